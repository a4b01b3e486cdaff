import LyrebirdPluginAPI
import Synchronization

/// The key-value store of one Lua fixture, split by conversation, so a script can keep state
/// across the turns of a multi-turn exchange.
///
/// Clients choose the conversation, so the store is bounded: past `maximumBytes` the
/// conversations written least recently are dropped, as a cache drops its oldest entries.
final class LuaStore: Sendable {
    /// What one fixture's store may hold, in the units of `LuaValues.json(at:in:cost:)`.
    static let defaultMaximumBytes = 64 << 20
    /// What a conversation costs besides its keys and values.
    private static let conversationOverhead = 64

    private struct Conversation {
        var values: [String: (value: JSONValue, bytes: Int)] = [:]
        var bytes = 0
        var lastWrite: UInt64 = 0
    }

    private struct State {
        var conversations: [String: Conversation] = [:]
        var bytes = 0
        var writes: UInt64 = 0
        /// Conversations in the order of their writes; an entry whose stamp is no longer its
        /// conversation's `lastWrite` is stale and skipped.
        var order: [(stamp: UInt64, conversation: String)] = []
        var orderStart = 0
    }

    let maximumBytes: Int
    private let state = Mutex(State())

    init(maximumBytes: Int = LuaStore.defaultMaximumBytes) {
        self.maximumBytes = maximumBytes
    }

    /// The store as one conversation sees it.
    struct Scope {
        let store: LuaStore
        let conversation: String

        func get(_ key: String) -> JSONValue? {
            store.state.withLock { $0.conversations[conversation]?.values[key]?.value }
        }

        /// Stores `value` (`null` removes the key); `bytes` is what it costs.
        ///
        /// - Returns: `false` when the value alone is larger than the whole store.
        func set(_ key: String, _ value: JSONValue, bytes: Int) -> Bool {
            store.set(key, value, bytes: bytes + key.utf8.count, in: conversation)
        }
    }

    func scope(for conversation: String) -> Scope {
        Scope(store: self, conversation: conversation)
    }

    private func set(_ key: String, _ value: JSONValue, bytes: Int, in name: String) -> Bool {
        if !value.isNull && bytes + Self.conversationOverhead > maximumBytes { return false }
        return state.withLock { state in
            var conversation = state.conversations.removeValue(forKey: name) ?? Conversation()
            state.bytes -= conversation.values.isEmpty ? 0 : conversation.bytes + Self.conversationOverhead
            if let previous = conversation.values.removeValue(forKey: key) { conversation.bytes -= previous.bytes }
            if !value.isNull {
                conversation.values[key] = (value, bytes)
                conversation.bytes += bytes
            }
            guard !conversation.values.isEmpty else { return true }
            state.writes += 1
            conversation.lastWrite = state.writes
            state.order.append((state.writes, name))
            state.bytes += conversation.bytes + Self.conversationOverhead
            // Room is made before the conversation goes back in, so it is never the one dropped.
            while state.bytes > maximumBytes, let oldest = Self.leastRecentlyWritten(in: &state) {
                state.bytes -= oldest.bytes + Self.conversationOverhead
            }
            state.conversations[name] = conversation
            Self.compact(&state)
            return true
        }
    }

    private static func leastRecentlyWritten(in state: inout State) -> Conversation? {
        while state.orderStart < state.order.count {
            let (stamp, name) = state.order[state.orderStart]
            state.orderStart += 1
            if let conversation = state.conversations[name], conversation.lastWrite == stamp {
                return state.conversations.removeValue(forKey: name)
            }
        }
        return nil
    }

    /// Drops stale order entries once they are most of the list.
    private static func compact(_ state: inout State) {
        guard state.order.count > 1024 && state.order.count > 2 * state.conversations.count else { return }
        state.order = state.order[state.orderStart...].filter { state.conversations[$0.conversation]?.lastWrite == $0.stamp }
        state.orderStart = 0
    }

    /// The conversation a request belongs to: the `x-lyrebird-conversation` header, else the
    /// request's `user` field, else `default`.
    static func conversation(of request: CanonicalRequest) -> String {
        request.header("x-lyrebird-conversation") ?? request.user ?? "default"
    }
}
