import CLyrebirdPlugin
import Foundation
import LyrebirdPluginAPI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The host's JSON pointer lookup (RFC 6901), offered to plugins so that one written in C can
/// read requests and parameters without a JSON library.
enum HostJSONLookup {
    static func lookup(
        _ json: [UInt8], _ pointer: UnsafePointer<CChar>?, into out: UnsafeMutablePointer<lyrebird_buffer>?, stringOnly: Bool
    ) -> Int32 {
        guard let out else { return LYREBIRD_ERROR }
        out.pointee = lyrebird_buffer(data: nil, length: 0)
        guard let document = try? JSONValue.parse(json, maximumDepth: PluginJSON.maximumDepth) else { return LYREBIRD_ERROR }
        guard let value = resolve(pointer.map { String(cString: $0) } ?? "", in: document) else { return LYREBIRD_NOT_FOUND }
        let bytes: [UInt8]
        if stringOnly {
            guard case .string(let text) = value else { return LYREBIRD_NOT_FOUND }
            bytes = Array(text.utf8)
        } else {
            bytes = Array(value.serialized.utf8)
        }
        return PluginBytes.give(bytes, to: out, alloc: { malloc($0) }) ? LYREBIRD_OK : LYREBIRD_ERROR
    }

    /// The value at `pointer` in `document`, or `nil` when there is none.
    static func resolve(_ pointer: String, in document: JSONValue) -> JSONValue? {
        guard !pointer.isEmpty else { return document }
        guard pointer.hasPrefix("/") else { return nil }
        var current = document
        for rawToken in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            let token = rawToken.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            switch current {
            case .object(let members):
                guard let next = members[token] else { return nil }
                current = next
            case .array(let elements):
                guard let index = Int(token), elements.indices.contains(index) else { return nil }
                current = elements[index]
            default:
                return nil
            }
        }
        return current
    }
}
