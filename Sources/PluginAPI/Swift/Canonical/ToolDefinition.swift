/// A tool the client offers the model.
public struct ToolDefinition: Sendable, Hashable, Codable {
    public var name: String
    public var description: String?
    /// The JSON Schema of the arguments, if given.
    public var parameters: JSONValue?

    public init(name: String, description: String? = nil, parameters: JSONValue? = nil) {
        self.name = name
        self.description = description
        self.parameters = parameters
    }
}

/// How the model may use the offered tools.
public enum ToolChoice: Sendable, Hashable, Codable {
    case none
    case auto
    case required
    case function(name: String)
}

/// The shape the reply text must take.
public enum ResponseFormat: Sendable, Hashable, Codable {
    case text
    case jsonObject
    case jsonSchema(name: String, schema: JSONValue?)
}

/// Sampling and length settings. A mock ignores most of them; they are kept for matchers,
/// responders and the journal.
public struct SamplingParameters: Sendable, Hashable, Codable {
    public var temperature: Double?
    public var topP: Double?
    /// The most tokens the reply may have.
    public var maxTokens: Int?
    public var stop: [String]
    public var seed: Int?

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
