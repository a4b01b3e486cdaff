import Foundation
import Synchronization

/// The time quotas count by, stored responses are stamped with and the journal records: the
/// system's clock, or a virtual one (`settings.clock: virtual`) that stands still until the
/// admin API moves it, so a test crosses a minute or a month at once.
public final class HostClock: Sendable {
    /// Which clock a host runs on.
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        case real
        case virtual
    }

    public let mode: Mode
    /// For a virtual clock, the time it shows, in Unix seconds.
    private let shown: Mutex<Double>

    public init(_ mode: Mode) {
        self.mode = mode
        shown = Mutex(Date().timeIntervalSince1970)
    }

    /// The time now, in Unix seconds.
    public func now() -> Double {
        switch mode {
        case .real: return Date().timeIntervalSince1970
        case .virtual: return shown.withLock { $0 }
        }
    }

    /// Moves a virtual clock forward by `milliseconds` and returns the time it shows then.
    public func advance(milliseconds: Int) -> Double {
        shown.withLock { time in
            time += Double(milliseconds) / 1000
            return time
        }
    }
}
