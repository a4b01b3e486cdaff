import LyrebirdPluginAPI

/// What fixtures sent over HTTP (`POST /fixtures`) may hold. Each is measured as the host will
/// hold it: the bytes of its text plus 16 for each value, once YAML aliases are expanded. Fixtures
/// from the configuration file and those added in code are not counted: the people who wrote
/// them run the host.
public struct FixtureLimits: Sendable, Equatable {
    /// The largest fixture (`settings.max_fixture_bytes`); a larger one gets a 413.
    public var maxFixtureBytes = 8 * 1024 * 1024
    /// The most fixtures added over HTTP at once (`settings.max_runtime_fixtures`); one more gets a 400.
    public var maxRuntimeFixtures = 10_000
    /// What fixtures added over HTTP may take together (`settings.max_runtime_fixture_bytes`);
    /// one that would pass it gets a 413.
    public var maxRuntimeFixtureBytes = 128 * 1024 * 1024

    /// The default limits.
    public init() {}
}

extension ReplyError {
    /// A fixture sent over HTTP that takes more than `max_fixture_bytes`.
    static func fixtureTooLarge(limit: Int) -> ReplyError {
        ReplyError(
            status: 413,
            message:
                "The fixture takes more than settings.max_fixture_bytes (\(limit)) once its YAML aliases are repeated (its text and \(YAMLBudget.nodeBytes) bytes for each value).",
            type: "invalid_request_error", param: "fixture", code: "fixture_too_large")
    }

    /// A fixture sent over HTTP that the run-time fixtures' limits leave no room for.
    static func fixtureRefused(_ refusal: FixtureStore.PostedRefusal, size: Int) -> ReplyError {
        switch refusal {
        case .tooMany(let limit):
            return ReplyError(
                status: 400,
                message:
                    "The server holds \(limit) fixtures added over HTTP, the most settings.max_runtime_fixtures allows; delete some first.",
                type: "invalid_request_error", param: "fixture", code: "too_many_fixtures")
        case .full(let limit, let used):
            return ReplyError(
                status: 413,
                message:
                    "Fixtures added over HTTP take \(used) bytes; this one (\(size) bytes) would pass settings.max_runtime_fixture_bytes (\(limit)). Delete some first.",
                type: "invalid_request_error", param: "fixture", code: "fixture_store_full")
        }
    }
}
