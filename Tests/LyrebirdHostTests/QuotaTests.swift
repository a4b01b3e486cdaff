import Foundation
import LyrebirdPluginAPI
import Testing

@testable import LyrebirdHost

/// The quota stage's parts on their own: windows, the ledger and its store, the headers, the
/// configuration.
@Suite struct QuotaTests {
    private func plan(_ configure: (inout QuotaPlan) -> Void) -> QuotaPlan {
        var plan = QuotaPlan(name: "test")
        configure(&plan)
        return plan
    }

    @Test func windowsAreUTCMinutesDaysAndCalendarMonths() throws {
        // 2024-02-29T23:59:30Z, a leap day.
        let time = 1_709_251_170.0
        #expect(QuotaWindow.minute.start(of: time) == 1_709_251_140)
        #expect(QuotaWindow.minute.end(of: time) == 1_709_251_200)
        #expect(QuotaWindow.day.start(of: time) == 1_709_164_800)
        #expect(QuotaWindow.month.start(of: time) == 1_706_745_600)  // 2024-02-01
        #expect(QuotaWindow.month.end(of: time) == 1_709_251_200)  // 2024-03-01
    }

    @Test func aKeyStopsAtEachLimitAndAVirtualClockOpensTheWindow() {
        let clock = HostClock(.virtual)
        let ledger = UsageLedger(clock: clock)
        let limited = plan { $0.requestsPerMinute = 2 }
        #expect(ledger.admit(key: "k", plan: limited).map { $0.requests["minute"]?.remaining } == .success(1))
        #expect(ledger.admit(key: "k", plan: limited).map { $0.requests["minute"]?.remaining } == .success(0))
        guard case .failure(.limited(let limit, let used, let allowed, let retryAt)) = ledger.admit(key: "k", plan: limited) else {
            Issue.record("the third request was let in")
            return
        }
        #expect(limit == "requests_per_minute" && used == 2 && allowed == 2)
        #expect(retryAt > clock.now() && retryAt <= clock.now() + 60)
        #expect(ledger.admit(key: "other", plan: limited).map { _ in true } == .success(true), "each key counts apart")
        _ = clock.advance(milliseconds: 60_000)
        #expect(ledger.admit(key: "k", plan: limited).map { $0.requests["minute"]?.remaining } == .success(1))
    }

    @Test func tokensAndRunningRequestsCountWhenRepliesEnd() {
        let ledger = UsageLedger(clock: HostClock(.virtual))
        let limited = plan {
            $0.tokensPerMinute = 100
            $0.concurrentRequests = 1
        }
        #expect(ledger.admit(key: "k", plan: limited).map { $0.tokens?.remaining } == .success(100))
        guard case .failure(.limited(let limit, _, _, _)) = ledger.admit(key: "k", plan: limited) else {
            Issue.record("a second request ran beside the first")
            return
        }
        #expect(limit == "concurrent_requests")
        ledger.finish(key: "k", tokens: 100)
        guard case .failure(.limited(let spent, _, _, _)) = ledger.admit(key: "k", plan: limited) else {
            Issue.record("the spent tokens were not counted")
            return
        }
        #expect(spent == "tokens_per_minute")
        #expect(ledger.usage(of: "k")[.minute] == UsageCount(requests: 1, tokens: 100))
    }

    @Test func twoLedgersOnOneStoreCountEachRequestOnce() async throws {
        let engine = try SQLiteEngine(.memory)
        let clock = HostClock(.virtual)
        let (first, second) = (UsageLedger(clock: clock), UsageLedger(clock: clock))
        let limited = plan { $0.requestsPerMinute = 3 }
        _ = first.admit(key: "k", plan: limited)
        _ = second.admit(key: "k", plan: limited)
        try await first.sync(with: engine)
        try await second.sync(with: engine)
        try await first.sync(with: engine)
        try await second.sync(with: engine)
        #expect(first.usage(of: "k")[.minute]?.requests == 2)
        #expect(second.usage(of: "k")[.minute]?.requests == 2)
        #expect(first.admit(key: "k", plan: limited).map { $0.requests["minute"]?.remaining } == .success(0))
        try await first.sync(with: engine)
        try await second.sync(with: engine)
        #expect(throws: QuotaRefusal.self) { try second.admit(key: "k", plan: limited).get() }
        // A restart: a new ledger reads the window's counts back.
        let restarted = UsageLedger(clock: clock)
        try await restarted.sync(with: engine)
        #expect(restarted.usage(of: "k")[.minute]?.requests == 3)
    }

    @Test func resetsAreWrittenInRFC3339() {
        #expect(RateLimitHeaders.rfc3339(1_709_251_200) == "2024-03-01T00:00:00Z")
    }

    @Test func theConfigurationNamesWhatIsWrong() {
        let yaml = """
            settings:
              auth: sometimes
              plans:
                free: {requests_per_minute: 3, requests_per_hour: 10}
                paid: {tokens_per_minute: -1}
              keys:
                - {key: sk-a, plan: gold}
                - {plan: free}
              clock: sundial
            """
        #expect {
            try HostConfiguration(yaml: yaml)
        } throws: { error in
            let text = "\(error)"
            return text.contains("settings.auth") && text.contains("settings.plans.free.requests_per_hour")
                && text.contains("settings.plans.paid.tokens_per_minute") && text.contains("\"gold\"")
                && text.contains("settings.keys[1].key") && text.contains("settings.clock")
        }
        let good = try? HostConfiguration(
            yaml: "settings: {auth: any, default_plan: free, plans: {free: {requests_per_day: 5}, pro: null}, keys: [{key: k, plan: pro}]}")
        #expect(good?.quotas.plan(of: "k")?.name == "pro")
        #expect(good?.quotas.plan(of: "stranger")?.requestsPerDay == 5)
    }
}
