import LyrebirdPluginAPI

extension FixtureStore {
    /// The fixtures as matching sees them between two changes: in order, each condition compiled
    /// against indexes shared by all of them.
    final class Snapshot: Sendable {
        let entries: [Entry]
        let tests: [MatchTest]
        let indexes: [FieldIndex]
        /// Whether matching may run a Lua predicate.
        let containsScriptPredicates: Bool
        /// For each slot, the places of the fixtures each needle bit is the gate of.
        private let gatedByBit: [Int: [Int: [Int32]]]
        /// For each slot, the places of the fixtures each exact value is the gate of.
        private let gatedByValue: [Int: [ExactValue: [Int32]]]
        /// The places of the fixtures without a gate: candidates for every request.
        private let ungated: [Int32]
        /// Misses explained already, for requests that come again the same (a client retrying,
        /// a load test): explaining ranks every fixture, and costs more than matching. The
        /// snapshot's own, so a change of the fixtures starts it empty.
        let missExplanations = BoundedCache<MissedRequest, [String]>(capacity: 256, weightLimit: 8 << 20)

        /// A request no fixture answered, as its explanation depends on it: the request, and
        /// the fixtures whose replies were used up in its context.
        struct MissedRequest: Hashable, Sendable {
            let request: CanonicalRequest
            let usedUp: Set<Int>
        }

        private struct ExactValue: Hashable {
            let id: Int
            let ignoringCase: Bool
        }

        init(_ entries: [Entry]) {
            var builder = MatchIndexBuilder()
            self.entries = entries
            let tests = entries.map { MatchTest($0.fixture.match, builder: &builder) }
            self.tests = tests
            let indexes = builder.build()
            self.indexes = indexes
            self.containsScriptPredicates = entries.contains { $0.fixture.match.containsScriptPredicates }
            var byBit: [Int: [Int: [Int32]]] = [:]
            var byValue: [Int: [ExactValue: [Int32]]] = [:]
            var ungated: [Int32] = []
            for (place, test) in tests.enumerated() {
                switch test.gate {
                case .needle(let slot, let needle, let ignoringCase)?:
                    byBit[slot, default: [:]][indexes[slot].needleBit(needle, ignoringCase: ignoringCase), default: []].append(Int32(place))
                case .literal(let slot, let id)?:
                    byBit[slot, default: [:]][indexes[slot].literalBit(id), default: []].append(Int32(place))
                case .exact(let slot, let id, let ignoringCase)?:
                    byValue[slot, default: [:]][ExactValue(id: id, ignoringCase: ignoringCase), default: []].append(Int32(place))
                case nil:
                    ungated.append(Int32(place))
                }
            }
            gatedByBit = byBit
            gatedByValue = byValue
            self.ungated = ungated
        }

        /// The place of the first fixture from `start` on whose conditions the request of
        /// `subject` meets. Only the fixtures whose gate the request opens are tried: a needle
        /// no text holds rules out every fixture gated on it at once.
        func firstPassing(_ subject: MatchSubject, from start: Int) -> Int? {
            for place in candidates(for: subject) where place >= start {
                if tests[Int(place)].passes(subject) { return Int(place) }
            }
            return nil
        }

        /// The places of the fixtures whose gate the request of `subject` opens, in order.
        private func candidates(for subject: MatchSubject) -> [Int32] {
            if let known = subject.candidates { return known }
            var places = ungated
            for (slot, gates) in gatedByBit {
                subject.forEachSetBit(in: slot) { bit in
                    if let opened = gates[bit] { places += opened }
                }
            }
            for (slot, gates) in gatedByValue {
                for ignoringCase in [false, true] {
                    for id in subject.exactValues(in: slot, ignoringCase: ignoringCase) {
                        if let opened = gates[ExactValue(id: id, ignoringCase: ignoringCase)] { places += opened }
                    }
                }
            }
            // Each fixture has one gate, so no place comes twice.
            places.sort()
            subject.candidates = places
            return places
        }
    }
}

extension FixtureStore.Snapshot {
    /// When the fixture at `index` matched by a conversation flow whose conversation holds more
    /// than the flow names, what the journal says about it.
    func drift(of index: Int, in request: CanonicalRequest) -> String? {
        entries[index].fixture.match.flows.lazy.compactMap { flow in
            flow.positions(in: request.messages).flatMap { flow.drift($0, in: request.messages) }
        }.first
    }

    /// How many fixtures a rough ranking hands on to be explained in full.
    private static let shortlist = 8

    /// The fixtures that came closest to matching the request of `subject`, closest first, each
    /// with the reasons it failed. Every fixture is ranked roughly (`MatchTest.roughCloseness`),
    /// then the closest few are explained, each field of the request read and normalised once
    /// for them all; only the first `FuzzySimilarity.rankingLimit` characters of a text count
    /// toward closeness.
    ///
    /// - Parameter usedUp: The places of fixtures whose conditions held but whose replies are
    ///   used up in the request's context (`after_last: fall_through`).
    func nearMisses(for subject: MatchSubject, usedUp: Set<Int> = [], limit: Int = 3) -> [(fixture: Fixture, reasons: [String])] {
        guard limit > 0, !entries.isEmpty else { return [] }
        var shortlist: [(index: Int, closeness: Double)] = []
        for index in tests.indices {
            let closeness = usedUp.contains(index) ? 1 : tests[index].roughCloseness(subject)
            // Earlier fixtures win ties: a later one must be strictly closer to enter a full list.
            guard shortlist.count < Self.shortlist || closeness > shortlist[shortlist.count - 1].closeness else { continue }
            let place = shortlist.firstIndex { $0.closeness < closeness } ?? shortlist.count
            shortlist.insert((index, closeness), at: place)
            if shortlist.count > Self.shortlist { shortlist.removeLast() }
        }
        let explained = shortlist.map { candidate -> (Fixture, [String], Double, Int) in
            let fixture = entries[candidate.index].fixture
            let miss = fixture.match.explainMiss(subject)
            if usedUp.contains(candidate.index) {
                return (
                    fixture, ["its replies are used up in context \(subject.contextID.debugDescription) (after_last: fall_through)"], 1,
                    candidate.index
                )
            }
            return (fixture, miss.reasons, miss.closeness, candidate.index)
        }
        return explained.sorted { ($0.2, -$0.3) > ($1.2, -$1.3) }.prefix(limit).map { ($0.0, $0.1) }
    }
}
