/// When a request's head reached the host, carried from the connection guard (which sees the
/// head as the decoder reads it) to the pipeline in a header of the host's own: a timed reply's
/// schedule then starts when the request arrived, not when a busy host got to it.
enum RequestArrival {
    /// The header's name; the guard replaces any value a client sent.
    static let header = "x-lyrebird-arrival"
    /// The instant the header's nanoseconds count from.
    private static let origin = ContinuousClock.now

    /// The header's value for `instant`.
    static func value(_ instant: ContinuousClock.Instant = .now) -> String {
        let elapsed = (instant - origin).components
        return String(elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000)
    }

    /// The arrival `value` stands for, if it stands for a moment of the last minute: a value a
    /// caller wrote itself (on a request that came without the guard) is not believed further.
    static func instant(_ value: String?) -> ContinuousClock.Instant? {
        guard let value, let nanoseconds = Int64(value) else { return nil }
        let instant = origin + .nanoseconds(nanoseconds)
        let now = ContinuousClock.now
        guard instant <= now, now - instant < .seconds(60) else { return nil }
        return instant
    }
}
