/// A tool the client offers the model.
public struct ToolDefinition: Sendable, Hashable, Codable {
    /// The tool's name, as calls name it.
    public var name: String
    /// What the tool does, if the client said.
    public var description: String?
    /// The JSON Schema of the arguments, if given.
    public var parameters: JSONValue?

    /// Creates a tool definition.
    public init(name: String, description: String? = nil, parameters: JSONValue? = nil) {
        self.name = name
        self.description = description
        self.parameters = parameters
    }
}

/// How the model may use the offered tools.
@nonexhaustive(warn)
public enum ToolChoice: Sendable, Hashable, Codable {
    /// The model must not call tools.
    case none
    /// The model chooses (the default).
    case auto
    /// The model must call at least one tool.
    case required
    /// The model must call the tool `name`.
    case function(name: String)
}

/// The shape the reply text must take.
@nonexhaustive(warn)
public enum ResponseFormat: Sendable, Hashable, Codable {
    /// Free text (the default).
    case text
    /// Any JSON object.
    case jsonObject
    /// JSON that validates against `schema`; the host checks fixed replies against it and
    /// warns in the journal when they do not.
    case jsonSchema(name: String, schema: JSONValue?)
}

/// Sampling and length settings. A mock ignores most of them; they are kept for matchers,
/// responders and the journal.
public struct SamplingParameters: Sendable, Hashable, Codable {
    /// The sampling temperature, if given.
    public var temperature: Double?
    /// The nucleus sampling mass, if given.
    public var topP: Double?
    /// The most tokens the reply may have.
    public var maxTokens: Int?
    /// Stop sequences; empty when none.
    public var stop: [String]
    /// The sampling seed, if given.
    public var seed: Int?

    /// Creates sampling settings; everything defaults to "not given".
    public init(
        temperature: Double? = nil,
        topP: Double? = nil,
        maxTokens: Int? = nil,
        stop: [String] = [],
        seed: Int? = nil
    ) {
        self.temperature = temperature
        self.topP = topP
        self.maxTokens = maxTokens
        self.stop = stop
        self.seed = seed
    }

    enum CodingKeys: String, CodingKey {
        case temperature
        case topP = "top_p"
        case maxTokens = "max_tokens"
        case stop, seed
    }
}
