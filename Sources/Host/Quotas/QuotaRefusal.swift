/// Why the quota stage turned a request away.
enum QuotaRefusal: Error, Sendable, Hashable {
    /// No key, when the auth mode wants one (401).
    case missingKey
    /// A key `settings.keys` does not list, when only listed keys may call (403).
    case unknownKey
    /// A limit of the key's plan is reached (429): which, the usage and the limit, and when a
    /// retry can succeed (Unix seconds).
    case limited(limit: String, used: Int, allowed: Int, retryAt: Double)
}
