import Foundation

/// A window requests are counted in: a minute, a day or a calendar month, all in UTC.
enum QuotaWindow: String, Sendable, Hashable, CaseIterable {
    case minute
    case day
    case month

    /// When the window holding `time` (Unix seconds) began, in whole Unix seconds.
    func start(of time: Double) -> Int64 {
        let seconds = Int64(time.rounded(.down))
        switch self {
        case .minute: return seconds - seconds.mod(60)
        case .day: return seconds - seconds.mod(86_400)
        case .month:
            let date = Date(timeIntervalSince1970: Double(seconds))
            let parts = Self.calendar.dateComponents([.year, .month], from: date)
            return Int64(Self.calendar.date(from: parts)!.timeIntervalSince1970)
        }
    }

    /// When the window holding `time` ends: the start of the next one.
    func end(of time: Double) -> Int64 {
        switch self {
        case .minute: return start(of: time) + 60
        case .day: return start(of: time) + 86_400
        case .month:
            let begin = Date(timeIntervalSince1970: Double(start(of: time)))
            return Int64(Self.calendar.date(byAdding: .month, value: 1, to: begin)!.timeIntervalSince1970)
        }
    }

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}

extension Int64 {
    /// The remainder that is never negative, for times before 1970.
    fileprivate func mod(_ divisor: Int64) -> Int64 {
        let remainder = self % divisor
        return remainder < 0 ? remainder + divisor : remainder
    }
}

/// Where each window holding one moment starts and ends, computed once for all the counting
/// one request does.
struct QuotaWindowBounds {
    private let minute: Int64
    private let day: Int64
    private let month: (start: Int64, end: Int64)

    /// The bounds at `now`, with the month's given: a calendar month is costly to compute, and
    /// callers keep it while it holds.
    init(at now: Double, month: (start: Int64, end: Int64)) {
        minute = QuotaWindow.minute.start(of: now)
        day = QuotaWindow.day.start(of: now)
        self.month = month
    }

    func start(_ window: QuotaWindow) -> Int64 {
        switch window {
        case .minute: return minute
        case .day: return day
        case .month: return month.start
        }
    }

    func end(_ window: QuotaWindow) -> Int64 {
        switch window {
        case .minute: return minute + 60
        case .day: return day + 86_400
        case .month: return month.end
        }
    }
}
