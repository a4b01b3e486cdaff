import LyrebirdPluginAPI

extension FixtureStore {
    /// What choosing found for one request.
    struct Choice: Sendable {
        /// The fixture that answers, and which of its replies; `nil` when none does.
        var match: Match?
        /// The places of fixtures whose conditions held but whose replies are used up in the
        /// request's context (`after_last: fall_through`), so the next one was tried.
        var usedUp: Set<Int> = []
        /// Why Lua predicates that ran failed; each counted as no match.
        var predicateFailures: [String] = []
    }

    /// Chooses the fixture of `snapshot` that answers a request of `context`: the first whose
    /// conditions hold that still answers the context. A fixture with replies in turn claims
    /// the context's next turn from the store before it answers, so no two requests get one
    /// turn, on this host or another of its fleet; any other fixture's hit is counted later,
    /// off the request's path.
    ///
    /// - Parameter findFrom: The place of the first fixture from a place on whose conditions
    ///   the request meets, with the failures of the Lua predicates that ran; the caller runs
    ///   it where Lua may run.
    func choose(
        in snapshot: Snapshot, context: String, findFrom: (Int) async throws -> (index: Int?, failures: [String])
    ) async throws -> Choice {
        var choice = Choice()
        var start = 0
        while start <= snapshot.entries.count {
            let found = try await findFrom(start)
            choice.predicateFailures += found.failures
            guard let index = found.index else { return choice }
            let entry = snapshot.entries[index]
            guard let sequence = entry.fixture.sequence else {
                store.writer.countHit(fixture: entry.fixture.id, context: context)
                choice.match = Match(entry: entry, place: index, step: 0)
                return choice
            }
            let limit = sequence.afterLast == .fallThrough ? sequence.turnsOnce : nil
            if let turn = try await store.claimTurn(fixture: entry.fixture.id, context: context, limit: limit),
                let step = sequence.step(forTurn: turn)
            {
                choice.match = Match(entry: entry, place: index, step: step)
                return choice
            }
            choice.usedUp.insert(index)
            start = index + 1
        }
        return choice
    }
}
