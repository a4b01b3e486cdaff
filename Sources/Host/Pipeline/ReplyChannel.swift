import LyrebirdPluginAPI
import Synchronization

/// The sink a responder writes into. It hands events to the pipeline in batches (everything
/// emitted since the last take, so a stream can send them in one write) and keeps the books
/// the host needs to complete a reply the responder left unfinished: whether it finished, gave
/// usage, or failed, and how many tokens its text holds.
final class ReplyChannel: ReplySink {
    struct Accounts {
        var finished = false
        var reportedUsage = false
        var failed = false
        var completionTokens = 0
        /// Of `completionTokens`, those of the reasoning.
        var reasoningTokens = 0
    }

    private struct State {
        var accounts = Accounts()
        var pending: [ReplyEvent] = []
        var closed = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    var snapshot: Accounts { state.withLock { $0.accounts } }

    func emit(_ event: ReplyEvent) async {
        await emit(contentsOf: CollectionOfOne(event))
    }

    func emit(contentsOf events: [ReplyEvent]) async {
        await emit(contentsOf: events[...])
    }

    /// Appends the events under one lock, so a reader takes them together.
    private func emit(contentsOf events: some Collection<ReplyEvent>) async {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            for event in events {
                guard !state.closed, !state.accounts.failed, !state.accounts.reportedUsage else { break }
                state.accounts.count(event)
                state.pending.append(event)
            }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    func pause(milliseconds: Int) async {
        guard milliseconds > 0 else { return }
        try? await Task.sleep(for: .milliseconds(milliseconds))
    }

    /// Ends the reply: events emitted later are dropped.
    func close() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.closed = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// What `take` found.
    enum Batch {
        /// Every event emitted since the last take, oldest first.
        case events([ReplyEvent])
        /// Nothing new yet.
        case empty
        /// Nothing new, and the reply is closed.
        case ended
    }

    /// Takes the events emitted since the last take, without waiting.
    func take() -> Batch {
        state.withLock { state in
            if !state.pending.isEmpty {
                defer { state.pending = [] }
                return .events(state.pending)
            }
            return state.closed ? .ended : .empty
        }
    }

    /// Waits until `take` has something to return. Only one task waits at a time.
    func waitForEvents() async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Bool in
                if !state.pending.isEmpty || state.closed { return true }
                state.waiter = continuation
                return false
            }
            if ready { continuation.resume() }
        }
    }
}

extension ReplyChannel.Accounts {
    /// Books one event the responder emitted.
    fileprivate mutating func count(_ event: ReplyEvent) {
        switch event {
        case .text(let text): completionTokens += TokenCounter.count(text)
        case .toolCallStart(_, _, let name): completionTokens += TokenCounter.count(name)
        case .toolCallArguments(_, let fragment): completionTokens += TokenCounter.count(fragment)
        case .finish: finished = true
        case .usage: reportedUsage = true
        case .error: failed = true
        case .reasoning(let text):
            let tokens = TokenCounter.count(text)
            completionTokens += tokens
            reasoningTokens += tokens
        case .embedding, .redactedReasoning: break
        }
    }
}
