import LyrebirdPluginAPI
import Synchronization

/// The key-value store of one Lua fixture, split by conversation, so a script can keep state
/// across the turns of a multi-turn exchange.
final class LuaStore: Sendable {
    private let values = Mutex<[String: [String: JSONValue]]>([:])

    /// The store as one conversation sees it.
    struct Scope {
        let store: LuaStore
        let conversation: String

        func get(_ key: String) -> JSONValue? {
            store.values.withLock { $0[conversation]?[key] }
        }

        func set(_ key: String, _ value: JSONValue) {
            store.values.withLock { values in
                if value.isNull {
                    values[conversation]?[key] = nil
                } else {
                    values[conversation, default: [:]][key] = value
                }
            }
        }
    }

    func scope(for conversation: String) -> Scope {
        Scope(store: self, conversation: conversation)
    }

    /// The conversation a request belongs to: the `x-lyrebird-conversation` header, else the
    /// request's `user` field, else `default`.
    static func conversation(of request: CanonicalRequest) -> String {
        request.header("x-lyrebird-conversation") ?? request.user ?? "default"
    }
}
