import LyrebirdPluginAPI

/// A piece of request text that conditions test.
enum MatchField: Int, CaseIterable, Sendable {
    /// The model id.
    case model
    /// The text of the last user message.
    case user
    /// System and developer instructions joined by newlines.
    case system

    func text(of request: CanonicalRequest) -> String {
        switch self {
        case .model: return request.model
        case .user: return request.lastUserText
        case .system: return request.systemText
        }
    }
}

/// What the fixtures' conditions look for in one field, gathered so that a request's text is
/// examined once for all of them: every `contains` value in one automaton, every `equals` value
/// in one table.
struct FieldIndex: Sendable {
    var needles = NeedleIndex([])
    /// Each needle's id in `needles`, for questions asked by value.
    var needleIDs: [[UInt8]: Int] = [:]
    var exactValues: [String: Int] = [:]
}
