import LyrebirdPluginAPI

/// One rule: when a request matches, this is the reply.
public struct Fixture: Sendable, Identifiable {
    /// A stable id: the fixture's name, or one the store assigns.
    public var id: String
    /// The name the fixture file gave, if any.
    public var name: String?
    /// When the fixture applies; `.always` for a catch-all.
    public var match: MatchCondition
    /// What it answers: with a `sequence`, its first step's reply.
    public var reply: FixtureReply
    /// Replies served in turn, one per request of a context, instead of `reply` alone.
    public var sequence: ReplySequence?
    /// Higher priorities are tried first; equal priorities keep file order.
    public var priority: Int
    /// How fast the reply arrives; `nil` sends it as fast as the client reads.
    public var timing: ReplyTiming?
    /// What goes wrong with its replies (a step of a sequence can have its own); `nil` for nothing.
    public var fault: Fault?
    /// Where a file gave it (`fixtures.yaml:12`); `nil` for one created at run time or in code.
    public var location: String?

    /// Creates a fixture. Without an `id`, its name is its id; a store assigns one to a fixture
    /// with neither.
    public init(
        id: String? = nil, name: String? = nil, match: MatchCondition = .always, reply: FixtureReply, priority: Int = 0,
        timing: ReplyTiming? = nil
    ) {
        self.id = id ?? name ?? ""
        self.name = name
        self.match = match
        self.reply = reply
        self.priority = priority
        self.timing = timing
    }

    /// Creates a fixture that serves the replies of `sequence` in turn.
    public init(
        id: String? = nil, name: String? = nil, match: MatchCondition = .always, sequence: ReplySequence, priority: Int = 0,
        timing: ReplyTiming? = nil
    ) {
        self.init(id: id, name: name, match: match, reply: sequence.steps[0].reply, priority: priority, timing: timing)
        self.sequence = sequence
    }

    /// The replies the fixture can answer with: its sequence's steps, or its one reply.
    var replies: [FixtureReply] { sequence.map { $0.steps.map(\.reply) } ?? [reply] }

    /// The fixture in words for logs and near-miss reports.
    public var label: String { name.map { "fixture \($0.debugDescription)" } ?? "fixture \(id)" }
}

extension FixtureReply {
    /// The reply in a few words, for the admin API's listing.
    var summary: String {
        switch self {
        case .message(let reply):
            if let content = reply.content, !content.isEmpty {
                return content.count > 80 ? String(content.prefix(80)) + "…" : content
            }
            let calls = reply.toolCalls.map(\.name)
            return calls.isEmpty ? "(an empty message)" : "tool calls: " + calls.joined(separator: ", ")
        case .error(let error): return "error \(error.status): \(error.message)"
        case .responder(let name, _): return "responder \(name)"
        case .custom: return "a Lua script"
        }
    }
}

/// What a fixture answers.
public enum FixtureReply: Sendable {
    /// A fixed reply: text, tool calls, or both.
    case message(StaticReply)
    /// An error in the provider's error shape.
    case error(ReplyError)
    /// A named responder computes the reply, given the fixture's parameters.
    case responder(name: String, parameters: JSONValue)
    /// A responder made for this fixture alone (its Lua script) computes the reply.
    case custom(any Responder, parameters: JSONValue)
}

/// A reply known in advance.
public struct StaticReply: Sendable, Hashable {
    /// A tool call to make, with its arguments as JSON text.
    public struct ToolCallSpec: Sendable, Hashable {
        /// The call id to report; `nil` lets the host make one.
        public var id: String?
        /// The tool to call.
        public var name: String
        /// The arguments as JSON text.
        public var arguments: String
        /// Whether the host makes the arguments for each request: a document of the parameter
        /// schema of the tool the request declares, the same for the same request. `arguments`
        /// is then unused.
        public var argumentsAreGenerated: Bool

        /// Creates a tool call.
        public init(id: String? = nil, name: String, arguments: String) {
            self.id = id
            self.name = name
            self.arguments = arguments
            self.argumentsAreGenerated = false
        }

        /// Creates a tool call whose arguments the host makes from the tool's parameter schema.
        public init(id: String? = nil, name: String) {
            self.id = id
            self.name = name
            self.arguments = "{}"
            self.argumentsAreGenerated = true
        }
    }

    /// The reply text, if any.
    public var content: String?
    /// Tool calls to make, in order, after the text.
    public var toolCalls: [ToolCallSpec]
    /// The finish reason; by default `tool_calls` when there are tool calls, else `stop`.
    public var finishReason: FinishReason?
    /// Token counts to report instead of the counted ones.
    public var usage: Usage?
    /// Embedding vectors for embedding requests, used in turn for their inputs; without any the
    /// host computes them from the input text.
    public var embeddings: [[Double]]
    /// The model's reasoning before the reply, which providers show in their own shape.
    public var reasoning: String?
    /// Reasoning shown only as opaque data (Anthropic's `redacted_thinking`), after `reasoning`.
    public var redactedReasoning: [String]

    /// Creates a fixed reply.
    public init(
        content: String? = nil, toolCalls: [ToolCallSpec] = [], finishReason: FinishReason? = nil, usage: Usage? = nil,
        embeddings: [[Double]] = [], reasoning: String? = nil, redactedReasoning: [String] = []
    ) {
        self.content = content
        self.toolCalls = toolCalls
        self.finishReason = finishReason
        self.usage = usage
        self.embeddings = embeddings
        self.reasoning = reasoning
        self.redactedReasoning = redactedReasoning
    }
}
