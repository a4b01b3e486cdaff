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
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.closed, !state.accounts.failed, !state.accounts.reportedUsage else { return nil }
            switch event {
            case .text(let text): state.accounts.completionTokens += TokenCounter.count(text)
            case .toolCallStart(_, _, let name): state.accounts.completionTokens += TokenCounter.count(name)
            case .toolCallArguments(_, let fragment): state.accounts.completionTokens += TokenCounter.count(fragment)
            case .finish: state.accounts.finished = true
            case .usage: state.accounts.reportedUsage = true
            case .error: state.accounts.failed = true
            case .reasoning(let text):
                let tokens = TokenCounter.count(text)
                state.accounts.completionTokens += tokens
                state.accounts.reasoningTokens += tokens
            case .embedding, .redactedReasoning: break
            }
            state.pending.append(event)
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
