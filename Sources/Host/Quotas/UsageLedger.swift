import LyrebirdPluginAPI
import Synchronization

/// Counts each key's requests and tokens in its windows, and its requests running now.
///
/// Memory decides at once whether a request is let in, so the hot path never waits on the
/// store. What this host counted goes to the store with the writer's batches (`sync(with:)`),
/// every tenth of a second, and comes back added to what every other host of a fleet counted:
/// a request is counted once wherever it ran, and a host sees the fleet's counts within a
/// batch. At start the ledger reads the current windows' counts, so they survive a restart.
final class UsageLedger: Sendable {
    private struct Counter {
        /// What the store held at the last sync, this host's counts included.
        var synced = UsageCount()
        /// Counted here and on its way to the store.
        var writing = UsageCount()
        /// Counted here since.
        var pending = UsageCount()

        var total: UsageCount { synced + writing + pending }
    }

    private struct State {
        var counters: [UsageKey: Counter] = [:]
        var running: [String: Int] = [:]
        /// The bounds of the month last counted in, kept while they hold.
        var month: (start: Int64, end: Int64)?

        /// The windows holding `now`.
        mutating func bounds(at now: Double) -> QuotaWindowBounds {
            if let month, Double(month.start) <= now, now < Double(month.end) { return QuotaWindowBounds(at: now, month: month) }
            let fresh = (QuotaWindow.month.start(of: now), QuotaWindow.month.end(of: now))
            month = fresh
            return QuotaWindowBounds(at: now, month: fresh)
        }
    }

    let clock: HostClock
    private let state = Mutex(State())

    init(clock: HostClock) {
        self.clock = clock
    }

    /// Counts a request of `key` on `plan` when every limit allows it, and says what is left.
    func admit(key: String, plan: QuotaPlan) -> Result<RateLimitFigures, QuotaRefusal> {
        let now = clock.now()
        return state.withLock { state in
            let bounds = state.bounds(at: now)
            if let most = plan.concurrentRequests, state.running[key, default: 0] >= most {
                return .failure(
                    .limited(limit: "concurrent_requests", used: state.running[key, default: 0], allowed: most, retryAt: now + 1))
            }
            for window in QuotaWindow.allCases {
                guard let limit = plan.requestLimit(window) else { continue }
                let used = state.counters[UsageKey(apiKey: key, window: window, start: bounds.start(window))]?.total.requests ?? 0
                if used >= limit {
                    return .failure(
                        .limited(limit: "requests_per_\(window.rawValue)", used: used, allowed: limit, retryAt: Double(bounds.end(window)))
                    )
                }
            }
            let minute = UsageKey(apiKey: key, window: .minute, start: bounds.start(.minute))
            if let limit = plan.tokensPerMinute {
                let used = state.counters[minute]?.total.tokens ?? 0
                if used >= limit {
                    return .failure(
                        .limited(limit: "tokens_per_minute", used: used, allowed: limit, retryAt: Double(bounds.end(.minute))))
                }
            }
            var figures = RateLimitFigures(now: now)
            for window in QuotaWindow.allCases {
                let counter = UsageKey(apiKey: key, window: window, start: bounds.start(window))
                state.counters[counter, default: Counter()].pending.requests += 1
                if let limit = plan.requestLimit(window) {
                    let used = state.counters[counter]!.total.requests
                    figures.requests[window.rawValue] = RateLimitFigures.Allowance(
                        limit: limit, remaining: max(0, limit - used), reset: bounds.end(window))
                }
            }
            if let limit = plan.tokensPerMinute {
                figures.tokens = RateLimitFigures.Allowance(
                    limit: limit, remaining: max(0, limit - (state.counters[minute]?.total.tokens ?? 0)),
                    reset: bounds.end(.minute))
            }
            state.running[key, default: 0] += 1
            return .success(figures)
        }
    }

    /// Ends a request `admit` let in: its tokens count in the windows of now.
    func finish(key: String, tokens: Int) {
        let now = clock.now()
        state.withLock { state in
            if let running = state.running[key] {
                state.running[key] = running > 1 ? running - 1 : nil
            }
            guard tokens > 0 else { return }
            let bounds = state.bounds(at: now)
            for window in QuotaWindow.allCases {
                state.counters[UsageKey(apiKey: key, window: window, start: bounds.start(window)), default: Counter()].pending.tokens +=
                    tokens
            }
        }
    }

    /// The counts of `key` in the windows of now.
    func usage(of key: String) -> [QuotaWindow: UsageCount] {
        let now = clock.now()
        return state.withLock { state in
            let bounds = state.bounds(at: now)
            var usage: [QuotaWindow: UsageCount] = [:]
            for window in QuotaWindow.allCases {
                usage[window] = state.counters[UsageKey(apiKey: key, window: window, start: bounds.start(window))]?.total ?? UsageCount()
            }
            return usage
        }
    }

    /// Writes what this host counted to the store and takes back the fleet's counts of the
    /// windows of now; counters of windows that are over are forgotten.
    func sync(with engine: any StoreEngine) async throws {
        let now = clock.now()
        let current = Dictionary(uniqueKeysWithValues: QuotaWindow.allCases.map { ($0, $0.start(of: now)) })
        let deltas = state.withLock { state -> [UsageKey: UsageCount] in
            var deltas: [UsageKey: UsageCount] = [:]
            for (key, counter) in state.counters where counter.pending != UsageCount() {
                deltas[key] = counter.pending
                state.counters[key]!.writing = counter.writing + counter.pending
                state.counters[key]!.pending = UsageCount()
            }
            return deltas
        }
        let totals: [UsageKey: UsageCount]
        do {
            totals = try await engine.syncUsage(deltas, current: current)
        } catch {
            // Counted again next time: nothing is lost, nothing counted twice.
            state.withLock { state in
                for (key, delta) in deltas {
                    state.counters[key]?.writing = UsageCount()
                    state.counters[key, default: Counter()].pending = state.counters[key, default: Counter()].pending + delta
                }
            }
            throw error
        }
        state.withLock { state in
            state.counters = state.counters.filter { key, _ in key.start >= current[key.window]! }
            for (key, total) in totals {
                state.counters[key, default: Counter()].synced = total
                state.counters[key]!.writing = UsageCount()
            }
            for key in deltas.keys where totals[key] == nil { state.counters[key]?.writing = UsageCount() }
        }
    }
}
