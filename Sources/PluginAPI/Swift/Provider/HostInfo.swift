/// What the host tells a provider that answers a route itself.
public struct HostInfo: Sendable, Hashable, Codable {
    /// Every model the host knows of, in listing order: those the configuration names, those
    /// its fixtures match exactly, and those its providers offer.
    public var models: [ModelListing]

    /// Creates host facts listing `models`.
    public init(models: [ModelListing] = []) {
        self.models = models
    }
}

/// One model as a model list shows it.
public struct ModelListing: Sendable, Hashable, Codable {
    /// The model id clients send (`gpt-4o`, `claude-sonnet-4-20250514`).
    public var id: String
    /// Who offers it: the provider's name, or `lyrebird` for models named by configuration
    /// and fixtures.
    public var ownedBy: String

    /// Creates a listing of model `id` offered by `ownedBy`.
    public init(id: String, ownedBy: String) {
        self.id = id
        self.ownedBy = ownedBy
    }

    enum CodingKeys: String, CodingKey {
        case id
        case ownedBy = "owned_by"
    }
}
