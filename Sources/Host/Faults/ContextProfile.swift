import LyrebirdPluginAPI
import Synchronization

/// What one context id gets in place of the configuration's faults and timing, set through the
/// admin API (`PUT /_lyrebird/faults/{context}`) so that one test changes its own provider's
/// behaviour without touching the others running against the same host.
struct ContextProfile: Sendable {
    /// The context's seed; `nil` keeps the host's.
    var seed: UInt64?
    /// Faults checked before the fixture's, in place of the file's `faults:`; `nil` keeps the
    /// file's.
    var rules: [FaultRule]?
    /// The timing of replies whose fixture has none.
    var timing: ReplyTiming?
    /// The profile as it was given, shown back by the admin API.
    var document: JSONValue = .null
    /// Each rule's `model` as a pattern, made once when the profile is set.
    fileprivate(set) var modelPatterns: [GlobPattern?] = []
}

/// The profiles set for single contexts, at most `maxContexts` (the oldest leaves first).
final class ContextProfiles: Sendable {
    private struct State {
        var profiles: [String: ContextProfile] = [:]
        /// Contexts, oldest first.
        var order: [String] = []
    }

    private let state = Mutex(State())
    private let active = Atomic<Bool>(false)
    private let maxContexts: Int

    init(maxContexts: Int) {
        self.maxContexts = max(1, maxContexts)
    }

    /// Whether any context has a profile.
    var isEmpty: Bool { !active.load(ordering: .relaxed) }

    subscript(context: String) -> ContextProfile? {
        guard active.load(ordering: .relaxed) else { return nil }
        return state.withLock { $0.profiles[context] }
    }

    /// Every profile, by context.
    var all: [(context: String, profile: ContextProfile)] {
        state.withLock { state in state.order.compactMap { context in state.profiles[context].map { (context, $0) } } }
    }

    func set(_ profile: ContextProfile, for context: String) {
        var profile = profile
        profile.modelPatterns = profile.rules?.map { $0.model.map { GlobPattern($0) } } ?? []
        state.withLock { state in
            if state.profiles.updateValue(profile, forKey: context) == nil { state.order.append(context) }
            while state.order.count > maxContexts {
                state.profiles[state.order.removeFirst()] = nil
            }
            active.store(true, ordering: .relaxed)
        }
    }

    /// Removes a context's profile; whether it had one.
    @discardableResult
    func remove(_ context: String) -> Bool {
        state.withLock { state in
            guard state.profiles.removeValue(forKey: context) != nil else { return false }
            state.order.removeAll { $0 == context }
            active.store(!state.profiles.isEmpty, ordering: .relaxed)
            return true
        }
    }
}

/// How many requests of each context reached each fault (or drew a jitter), for the draws and
/// for faults that apply a number of times; at most `maxContexts` contexts, the oldest leaving
/// first.
final class ContextCounters: Sendable {
    private struct State {
        var counts: [String: [String: Int]] = [:]
        var order: [String] = []
    }

    private let state = Mutex(State())
    private let maxContexts: Int

    init(maxContexts: Int) {
        self.maxContexts = max(1, maxContexts)
    }

    /// The count before this request, counting this one.
    func next(context: String, key: String) -> Int {
        state.withLock { state in
            if state.counts[context] == nil {
                state.order.append(context)
                while state.order.count > maxContexts { state.counts[state.order.removeFirst()] = nil }
                state.counts[context] = [:]
            }
            let count = state.counts[context]?[key] ?? 0
            state.counts[context]?[key] = count + 1
            return count
        }
    }

    /// The count so far, without counting.
    func count(context: String, key: String) -> Int {
        state.withLock { $0.counts[context]?[key] ?? 0 }
    }

    /// Forgets a context's counts, so that its faults start over.
    func reset(_ context: String) {
        state.withLock { state in
            guard state.counts.removeValue(forKey: context) != nil else { return }
            state.order.removeAll { $0 == context }
        }
    }
}
