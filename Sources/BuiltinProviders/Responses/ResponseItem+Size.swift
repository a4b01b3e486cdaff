import LyrebirdPluginAPI

extension ResponseItem {
    /// About what the item holds in memory, for the store's bound: its strings' bytes and a
    /// little for each value around them.
    var approximateBytes: Int {
        switch self {
        case .message(let id, _, _, let content):
            return 32 + id.utf8.count + content.reduce(0) { $0 + $1.approximateBytes }
        case .functionCall(let id, let callID, let name, let arguments, _):
            return 32 + id.utf8.count + callID.utf8.count + name.utf8.count + arguments.utf8.count
        case .functionCallOutput(let id, let callID, .text(let text)):
            return 32 + id.utf8.count + callID.utf8.count + text.utf8.count
        case .functionCallOutput(let id, let callID, .parts(let parts)):
            return 32 + id.utf8.count + callID.utf8.count + parts.reduce(0) { $0 + $1.approximateBytes }
        case .other(let id, let members):
            return 32 + id.utf8.count + JSONValue.object(members).approximateBytes
        }
    }
}

extension ResponseContentPart {
    var approximateBytes: Int {
        switch self {
        case .inputText(let text), .outputText(let text): return 16 + text.utf8.count
        case .inputImage(let url, let fileID, let detail):
            return 16 + (url?.utf8.count ?? 0) + (fileID?.utf8.count ?? 0) + detail.utf8.count
        case .other(let type, let value): return 16 + type.utf8.count + value.approximateBytes
        }
    }
}

extension JSONValue {
    fileprivate var approximateBytes: Int {
        switch self {
        case .string(let text): return 16 + text.utf8.count
        case .array(let elements): return 16 + elements.reduce(0) { $0 + $1.approximateBytes }
        case .object(let members): return 16 + members.reduce(0) { $0 + $1.key.utf8.count + $1.value.approximateBytes }
        default: return 16
        }
    }
}
