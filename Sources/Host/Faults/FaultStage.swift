import Foundation
import LyrebirdPluginAPI
import Synchronization

/// The stage of the pipeline that shapes a reply's timing and decides its fault, the same way
/// for every provider and transport.
///
/// Every draw comes from the host's seed (`seed:` in the file, a context's profile, or the
/// request's `x-lyrebird-seed`), the request's context id, the fault's place in the
/// configuration, and how many requests of that context reached it before: the same requests
/// in the same order meet the same faults and the same jitter, whatever runs beside them.
final class FaultStage: Sendable {
    /// What the stage decided for one request.
    struct Decision {
        /// The fault to apply, if any.
        var fault: Fault?
        /// The reply's timing, if it has one.
        var timing: ReplyTiming?
        /// Where the timing's jitter comes from.
        var random: SeededRandom
        /// Each decision in words, for the journal.
        var notes: [String] = []
    }

    /// A place a fault can come from, with the key its draws and counts are kept under.
    private struct Candidate {
        let fault: Fault
        let key: String
        let origin: String
    }

    /// The header that applies one fault to one request.
    static let faultHeader = "x-lyrebird-fault"
    /// The header that sets one request's seed.
    static let seedHeader = "x-lyrebird-seed"

    private let seed: UInt64
    private let rules: [FaultRule]
    private let timings: [TimingRule]
    private let models: [GlobPattern?]
    private let timingModels: [GlobPattern?]
    private let profiles: ContextProfiles
    /// How many requests of each context reached each fault, and asked for each timing.
    private let counters: ContextCounters

    init(settings: FaultSettings, maxContexts: Int) {
        seed = settings.seed
        rules = settings.rules
        timings = settings.timings
        models = settings.rules.map { $0.model.map { GlobPattern($0) } }
        timingModels = settings.timings.map { $0.model.map { GlobPattern($0) } }
        profiles = ContextProfiles(maxContexts: maxContexts)
        counters = ContextCounters(maxContexts: maxContexts)
    }

    /// The profile set for `context`, if any.
    func profile(for context: String) -> ContextProfile? { profiles[context] }

    /// Every context's profile.
    var allProfiles: [(context: String, profile: ContextProfile)] { profiles.all }

    /// Gives `context` its own faults and timing, counted from the start again.
    func setProfile(_ profile: ContextProfile, for context: String) {
        profiles.set(profile, for: context)
        counters.reset(context)
    }

    /// Returns `context` to the configuration's faults and timing; whether it had a profile.
    func removeProfile(for context: String) -> Bool {
        guard profiles.remove(context) else { return false }
        counters.reset(context)
        return true
    }

    /// Decides the fault and timing of `request`, whose reply comes from a fixture with
    /// `fixtureFault` and `fixtureTiming` (keyed by `fixtureKey`, the fixture and its step).
    func decide(
        _ request: CanonicalRequest, fixtureFault: Fault?, fixtureKey: String, fixtureTiming: ReplyTiming?
    ) -> Result<Decision, ReplyError> {
        let context = request.contextID
        let profile = profiles[context]
        var seed = profile?.seed ?? self.seed
        var notes: [String] = []
        if let text = request.header(Self.seedHeader) {
            guard let value = UInt64(text.trimmingCharacters(in: .whitespaces)) else {
                return .failure(.invalidHeader(Self.seedHeader, "must be a whole number from 0 to \(UInt64.max)"))
            }
            seed = value
            notes.append("seed \(value) from \(Self.seedHeader)")
        }

        var candidates: [Candidate] = []
        if let text = request.header(Self.faultHeader) {
            switch Fault.parse(header: text) {
            case .success(let fault): candidates.append(Candidate(fault: fault, key: "header", origin: Self.faultHeader))
            case .failure(let error):
                let problems = error.problems.map { "\($0.key): \($0.message)" }.joined(separator: "; ")
                return .failure(.invalidHeader(Self.faultHeader, problems))
            }
        }
        if let fault = Fault.sentinel(in: request) {
            candidates.append(Candidate(fault: fault, key: "mock_response", origin: "mock_response sentinel"))
        }
        // A context's profile comes before the fixture, and takes the place of the file's rules.
        for (index, rule) in (profile?.rules ?? []).enumerated() where profile?.modelPatterns[index]?.matches(request.model) ?? true {
            candidates.append(Candidate(fault: rule.fault, key: "profile[\(index)]", origin: "context profile faults[\(index)]"))
        }
        if let fixtureFault { candidates.append(Candidate(fault: fixtureFault, key: fixtureKey, origin: fixtureKey)) }
        if profile?.rules == nil {
            for (index, rule) in rules.enumerated() where models[index]?.matches(request.model) ?? true {
                candidates.append(Candidate(fault: rule.fault, key: "faults[\(index)]", origin: "faults[\(index)]"))
            }
        }

        var chosen: Fault?
        for candidate in candidates {
            let fault = candidate.fault
            guard fault.rate < 1 || fault.times != nil else {
                chosen = fault
                notes.append("\(fault.summary) (\(candidate.origin))")
                break
            }
            if let times = fault.times, counters.count(context: context, key: candidate.key + " applied") >= times {
                notes.append("\(candidate.origin) skipped: it applied its \(times) times in context \(context)")
                continue
            }
            let count = counters.next(context: context, key: candidate.key)
            let roll = fault.rate < 1 ? Self.draw(seed: seed, context: context, key: candidate.key, count: count) : 0
            if roll < fault.rate {
                if fault.times != nil { _ = counters.next(context: context, key: candidate.key + " applied") }
                chosen = fault
                notes.append("\(fault.summary) (\(candidate.origin), draw \(Self.shown(roll)) < rate \(fault.rate), seed \(seed))")
                break
            }
            notes.append("\(candidate.origin) passed: draw \(Self.shown(roll)) >= rate \(fault.rate), seed \(seed)")
        }

        let timing =
            fixtureTiming ?? profile?.timing
            ?? timings.indices.first { timingModels[$0]?.matches(request.model) ?? true }
            .map { timings[$0].timing }
        var random = SeededRandom(seed: 0)
        if timing?.jitter != nil {
            let count = counters.next(context: context, key: "timing")
            random = SeededRandom(seed: Self.mix(seed: seed, context: context, key: "timing", count: count))
        }
        return .success(Decision(fault: chosen, timing: timing, random: random, notes: notes))
    }

    /// The draw for the `count`th request of `context` that reached the fault kept under `key`.
    static func draw(seed: UInt64, context: String, key: String, count: Int) -> Double {
        var random = SeededRandom(seed: mix(seed: seed, context: context, key: key, count: count))
        return random.unit()
    }

    private static func mix(seed: UInt64, context: String, key: String, count: Int) -> UInt64 {
        var hash = FNV1a(seed: seed)
        hash.add(context)
        hash.add("\u{0}")
        hash.add(key)
        return hash.value &+ UInt64(count) &* SeededRandom.increment
    }

    private static func shown(_ roll: Double) -> String {
        String(Double(Int(roll * 10_000)) / 10_000)
    }
}
