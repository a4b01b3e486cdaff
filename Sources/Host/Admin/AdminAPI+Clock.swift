import LyrebirdPluginAPI

extension AdminAPI {
    /// `GET /_lyrebird/clock`: which clock the host runs on and the time it shows.
    func readClock() -> WireResponse {
        clockResponse(clock.now())
    }

    /// `POST /_lyrebird/clock {"advance_ms": N}`: moves a virtual clock forward by N
    /// milliseconds (0 to a year), so quota windows open again at once.
    func advanceClock(_ request: WireRequest) -> WireResponse {
        guard clock.mode == .virtual else {
            return Self.errorResponse(
                ReplyError(
                    status: 409, message: "The host runs on the real clock; set settings.clock: virtual to move it.",
                    type: "invalid_request_error", code: "clock_not_virtual"))
        }
        let members: [String: JSONValue]
        switch Self.jsonObject(request) {
        case .success(let object): members = object
        case .failure(let error): return Self.errorResponse(error)
        }
        guard case .integer(let milliseconds)? = members["advance_ms"], (0...Self.longestAdvance).contains(milliseconds) else {
            return Self.errorResponse(
                .invalidParameter(
                    "advance_ms", "advance_ms must be an integer from 0 to \(Self.longestAdvance) (a year, in milliseconds).",
                    code: "invalid_value"))
        }
        return clockResponse(clock.advance(milliseconds: Int(milliseconds)))
    }

    private static let longestAdvance: Int64 = 366 * 86_400_000

    private func clockResponse(_ now: Double) -> WireResponse {
        Self.json { writer in
            writer.member("object", "clock")
            writer.member("mode", clock.mode.rawValue)
            writer.member("now", now)
            writer.member("now_ms", Int((now * 1000).rounded(.down)))
            writer.member("iso", RateLimitHeaders.rfc3339(Int64(now.rounded(.down))))
        }
    }
}
