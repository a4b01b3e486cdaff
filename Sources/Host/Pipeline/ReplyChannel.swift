import LyrebirdPluginAPI
import Synchronization

/// The sink a responder writes into. It forwards events to the pipeline and keeps the books
/// the host needs to complete a reply the responder left unfinished: whether it finished, gave
/// usage, or failed, and how many tokens its text holds.
final class ReplyChannel: ReplySink {
    struct Accounts {
        var finished = false
        var reportedUsage = false
        var failed = false
        var completionTokens = 0
    }

    let events: AsyncStream<ReplyEvent>
    private let continuation: AsyncStream<ReplyEvent>.Continuation
    private let accounts = Mutex(Accounts())

    init() {
        (events, continuation) = AsyncStream.makeStream(of: ReplyEvent.self, bufferingPolicy: .unbounded)
    }

    var snapshot: Accounts { accounts.withLock { $0 } }

    func emit(_ event: ReplyEvent) async {
        let accepted = accounts.withLock { accounts -> Bool in
            if accounts.failed || accounts.reportedUsage { return false }
            switch event {
            case .text(let text): accounts.completionTokens += TokenCounter.count(text)
            case .toolCallStart(_, _, let name): accounts.completionTokens += TokenCounter.count(name)
            case .toolCallArguments(_, let fragment): accounts.completionTokens += TokenCounter.count(fragment)
            case .finish: accounts.finished = true
            case .usage: accounts.reportedUsage = true
            case .error: accounts.failed = true
            }
            return true
        }
        if accepted { continuation.yield(event) }
    }

    func pause(milliseconds: Int) async {
        guard milliseconds > 0 else { return }
        try? await Task.sleep(for: .milliseconds(milliseconds))
    }

    /// Ends the event stream.
    func close() {
        continuation.finish()
    }
}

/// Hands one async iterator from task to task. Only one task uses it at a time: the pipeline
/// reads the first event, then gives the cursor to the response body writer.
final class EventCursor: @unchecked Sendable {
    private var iterator: AsyncStream<ReplyEvent>.AsyncIterator

    init(_ stream: AsyncStream<ReplyEvent>) {
        iterator = stream.makeAsyncIterator()
    }

    func next() async -> ReplyEvent? {
        await iterator.next()
    }
}
