import LyrebirdPluginAPI

extension ResponseItem {
    /// About what the item holds in memory, for the store's bound: its strings' bytes and what
    /// the values around them take. The overheads are what the process's memory grew by per
    /// item, measured with conversations of 120,000 one-letter messages: counting only a little
    /// for each value, the store held five times its bound.
    var approximateBytes: Int {
        switch self {
        case .message(let id, _, _, let content):
            return Self.overhead + id.utf8.count + content.reduce(0) { $0 + $1.approximateBytes }
        case .functionCall(let id, let callID, let name, let arguments, _):
            return Self.overhead + id.utf8.count + callID.utf8.count + name.utf8.count + arguments.utf8.count
        case .functionCallOutput(let id, let callID, .text(let text)):
            return Self.overhead + id.utf8.count + callID.utf8.count + text.utf8.count
        case .functionCallOutput(let id, let callID, .parts(let parts)):
            return Self.overhead + id.utf8.count + callID.utf8.count + parts.reduce(0) { $0 + $1.approximateBytes }
        case .reasoning(let id, let summary, _):
            return Self.overhead + id.utf8.count + summary.reduce(0) { $0 + 64 + $1.utf8.count }
        case .other(let id, let members):
            return Self.overhead + id.utf8.count + JSONValue.object(members).approximateBytes
        }
    }

    /// An item's own allocations: the enum's payload, its strings' buffers and its content array.
    private static let overhead = 320
}

extension ResponseContentPart {
    var approximateBytes: Int {
        switch self {
        case .inputText(let text), .outputText(let text): return 64 + text.utf8.count
        case .inputImage(let url, let fileID, let detail):
            return 64 + (url?.utf8.count ?? 0) + (fileID?.utf8.count ?? 0) + detail.utf8.count
        case .other(let type, let value): return 64 + type.utf8.count + value.approximateBytes
        }
    }
}

extension JSONValue {
    fileprivate var approximateBytes: Int {
        switch self {
        case .string(let text): return 32 + text.utf8.count
        case .array(let elements): return 32 + elements.reduce(0) { $0 + $1.approximateBytes }
        case .object(let members): return 32 + members.reduce(0) { $0 + 32 + $1.key.utf8.count + $1.value.approximateBytes }
        default: return 32
        }
    }
}
