/// The stable JSON form of a route's WebSocket framing: `{"style": "events", "request_type":
/// "response.create"}` or `{"style": "envelope", "prefix": "chat"}`.
extension WebSocketFraming: Codable {
    enum CodingKeys: String, CodingKey {
        case style
        case requestType = "request_type"
        case prefix
    }

    /// Decodes `{"style": "envelope", "prefix"}` or `{"style": "events", "request_type"}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let style = try container.decode(String.self, forKey: .style)
        switch style {
        case "events":
            self = .events(requestType: try container.decode(String.self, forKey: .requestType))
        case "envelope":
            self = .envelope(prefix: try container.decode(String.self, forKey: .prefix))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .style, in: container, debugDescription: "unknown style \(style.debugDescription) (expected events or envelope)")
        }
    }

    /// Encodes the forms `init(from:)` reads.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .events(let requestType):
            try container.encode("events", forKey: .style)
            try container.encode(requestType, forKey: .requestType)
        case .envelope(let prefix):
            try container.encode("envelope", forKey: .style)
            try container.encode(prefix, forKey: .prefix)
        }
    }
}
