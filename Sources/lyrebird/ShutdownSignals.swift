import Foundation
import Logging
import UnixSignals

/// SIGINT and SIGTERM. The first one stops the server gracefully (the host handles it, see
/// `LyrebirdHost.start(gracefulShutdownSignals:)`); a second one says not to wait for that, and
/// the process exits at once with 128 plus the signal's number: 130 for SIGINT, 143 for SIGTERM.
struct ShutdownSignals {
    static let trapped: [UnixSignal] = [.sigint, .sigterm]

    private let signals: UnixSignalsSequence

    /// Starts trapping the signals, before the server starts so that none is missed.
    init() async {
        signals = await UnixSignalsSequence(trapping: Self.trapped)
    }

    /// Waits for the signals until the task is cancelled, and exits on the second.
    func exitOnSecondSignal(grace: Duration, logger: Logger) async {
        var received = false
        for await signal in signals {
            if received { exit(128 + signal.rawValue) }
            received = true
            logger.notice("\(signal): finishing the requests in flight for up to \(grace); signal again to exit at once")
        }
    }
}
