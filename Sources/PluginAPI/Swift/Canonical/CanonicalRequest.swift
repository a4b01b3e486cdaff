/// A request as every provider sees it after decoding: the one model that matching,
/// responders, quotas and the journal work on, whatever wire format it arrived in.
public struct CanonicalRequest: Sendable, Hashable, Codable {
    /// What the client asked for, named by the provider's route (for example `chat.completions`).
    public var operation: String
    /// The model id, as the client sent it.
    public var model: String
    /// The conversation, oldest first. System and developer instructions are messages too.
    public var messages: [Message]
    /// Tools the model may call.
    public var tools: [ToolDefinition]
    /// How the model should choose among `tools`.
    public var toolChoice: ToolChoice
    /// The shape the reply text must have.
    public var responseFormat: ResponseFormat
    /// Sampling and length settings.
    public var sampling: SamplingParameters
    /// How many alternative replies (choices) to produce.
    public var choiceCount: Int
    /// Whether the client wants the reply streamed.
    public var stream: Bool
    /// Whether a streamed reply should end with a usage report.
    public var includeUsage: Bool
    /// Reply content requested by the client itself (LiteLLM's `mock_response`).
    public var mockResponse: String?
    /// The end-user id the client sent, if any.
    public var user: String?
    /// The decoded request body, for matchers and responders that need a field the model lacks.
    public var body: JSONValue
    /// Request headers, names lower-cased, in arrival order.
    public var headers: [Header]
    /// What kind of reply the client wants: a message (the default) or embeddings of the
    /// inputs, which are then the request's user messages, one per input.
    public var replyKind: ReplyKind

    /// Creates a canonical request; everything but the operation, model and messages has the
    /// default a request that does not mention it gets.
    public init(
        operation: String,
        model: String,
        messages: [Message],
        tools: [ToolDefinition] = [],
        toolChoice: ToolChoice = .auto,
        responseFormat: ResponseFormat = .text,
        sampling: SamplingParameters = SamplingParameters(),
        choiceCount: Int = 1,
        stream: Bool = false,
        includeUsage: Bool = false,
        mockResponse: String? = nil,
        user: String? = nil,
        body: JSONValue = .null,
        headers: [Header] = [],
        replyKind: ReplyKind = .message
    ) {
        self.operation = operation
        self.model = model
        self.messages = messages
        self.tools = tools
        self.toolChoice = toolChoice
        self.responseFormat = responseFormat
        self.sampling = sampling
        self.choiceCount = choiceCount
        self.stream = stream
        self.includeUsage = includeUsage
        self.mockResponse = mockResponse
        self.user = user
        self.body = body
        self.headers = headers
        self.replyKind = replyKind
    }

    enum CodingKeys: String, CodingKey {
        case operation, model, messages, tools
        case toolChoice = "tool_choice"
        case responseFormat = "response_format"
        case sampling
        case choiceCount = "n"
        case stream
        case includeUsage = "include_usage"
        case mockResponse = "mock_response"
        case user, body, headers
        case replyKind = "reply_kind"
    }

    // Written out rather than synthesized so that members added in later versions can be left
    // out by plugins built before them.
    /// Decodes the JSON form that crosses the plugin ABI. Only `operation`, `model` and `messages`
    /// are required; every other member takes its default when absent, so JSON written against an
    /// earlier plugin API (or by hand, in C) still decodes.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            operation: try container.decode(String.self, forKey: .operation),
            model: try container.decode(String.self, forKey: .model),
            messages: try container.decode([Message].self, forKey: .messages),
            tools: try container.decodeIfPresent([ToolDefinition].self, forKey: .tools) ?? [],
            toolChoice: try container.decodeIfPresent(ToolChoice.self, forKey: .toolChoice) ?? .auto,
            responseFormat: try container.decodeIfPresent(ResponseFormat.self, forKey: .responseFormat) ?? .text,
            sampling: try container.decodeIfPresent(SamplingParameters.self, forKey: .sampling) ?? SamplingParameters(),
            choiceCount: try container.decodeIfPresent(Int.self, forKey: .choiceCount) ?? 1,
            stream: try container.decodeIfPresent(Bool.self, forKey: .stream) ?? false,
            includeUsage: try container.decodeIfPresent(Bool.self, forKey: .includeUsage) ?? false,
            mockResponse: try container.decodeIfPresent(String.self, forKey: .mockResponse),
            user: try container.decodeIfPresent(String.self, forKey: .user),
            body: try container.decodeIfPresent(JSONValue.self, forKey: .body) ?? .null,
            headers: try container.decodeIfPresent([Header].self, forKey: .headers) ?? [],
            replyKind: try container.decodeIfPresent(ReplyKind.self, forKey: .replyKind) ?? .message)
    }
}

/// What kind of reply a request wants.
@nonexhaustive(warn)
public enum ReplyKind: Sendable, Hashable, Codable {
    /// A message: text and tool calls.
    case message
    /// One embedding vector of `dimensions` numbers per input.
    case embeddings(dimensions: Int)
}

extension CanonicalRequest {
    /// The text of the last message with the `user` role, or `""` when there is none.
    public var lastUserText: String {
        messages.last(where: { $0.role == .user })?.text ?? ""
    }

    /// System and developer instructions joined by newlines, or `""` when there are none.
    public var systemText: String {
        messages.filter { $0.role == .system || $0.role == .developer }.map(\.text).joined(separator: "\n")
    }

    /// The first value of the header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first(where: { $0.name == lowered })?.value
    }
}

/// One HTTP header.
public struct Header: Sendable, Hashable, Codable {
    /// The header name; lower-cased in requests the host builds.
    public var name: String
    /// The header value.
    public var value: String

    /// Creates a header.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
