/// Which requests the host lets through by their API key (`settings.auth`).
public enum AuthMode: String, Sendable, Hashable, CaseIterable {
    /// Every request, with a key or without (the default).
    case off
    /// Every request that carries a key, whatever it is; one without gets a 401.
    case anyKey = "any"
    /// Requests whose key `settings.keys` lists; one without a key gets a 401, one with another
    /// key a 403.
    case listedKeys = "keys"
}
