import Dispatch
import Foundation
import Logging
import Synchronization
import UnixSignals

/// SIGINT and SIGTERM. The first one stops the server gracefully (the host handles it, see
/// `LyrebirdHost.start(gracefulShutdownSignals:)`); a second one says not to wait for that, and
/// the process exits at once with 128 plus the signal's number: 130 for SIGINT, 143 for SIGTERM.
///
/// The signals are watched on a dispatch queue of their own rather than in Swift's cooperative
/// pool, because a plugin call that blocks can hold every thread of that pool and a stop must
/// work all the same. For the same reason the grace is enforced from here too: a server that
/// has not stopped `margin` after its grace ended is ended with status 0, as the grace promises.
final class ShutdownSignals {
    static let trapped: [UnixSignal] = [.sigint, .sigterm]
    /// How long past the grace the server may take to close what remains by itself.
    static let margin: Duration = .seconds(5)

    private let sources: [any DispatchSourceSignal]

    /// Starts watching the signals; create it before the server starts so that none is missed.
    init(grace: Duration, logger: Logger) {
        let queue = DispatchQueue(label: "lyrebird.shutdown-signals")
        let received = Mutex(false)
        let deadline = grace + Self.margin
        sources = Self.trapped.map { signal in
            // Ignored, so that the sources (this one and the host's) see it instead of the default action.
            Foundation.signal(signal.rawValue, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signal.rawValue, queue: queue)
            source.setEventHandler {
                let isSecond = received.withLock { received in
                    defer { received = true }
                    return received
                }
                if isSecond { exit(128 + signal.rawValue) }
                logger.notice("\(signal): finishing the requests in flight for up to \(grace); signal again to exit at once")
                queue.asyncAfter(deadline: .now() + Self.interval(deadline)) {
                    logger.warning(
                        "the server had not stopped \(Self.margin) after its \(grace) grace (a plugin call still running?); exiting")
                    exit(0)
                }
            }
            source.resume()
            return source
        }
    }

    deinit {
        for source in sources { source.cancel() }
    }

    private static func interval(_ duration: Duration) -> DispatchTimeInterval {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
    }
}
