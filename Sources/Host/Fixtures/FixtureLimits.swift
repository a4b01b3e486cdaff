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
