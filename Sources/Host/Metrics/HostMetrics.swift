import Metrics
import Prometheus
import Synchronization

/// What the host counts for `GET /metrics`, in Prometheus's text format: requests by provider,
/// operation, status and source (the fixture that answered, `default`, `quota` for a request
/// the quota stage refused...), their durations, streams, quota refusals, and the work waiting
/// for a script thread.
///
/// The metrics go through swift-metrics into a Prometheus registry of the host's own, never
/// the process-wide `MetricsSystem`, so that hosts side by side in one process count apart.
final class HostMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let scripts: ScriptThreadPool
    private let scriptQueue: Metrics.Gauge

    /// Bounds of the duration histogram: from a tenth of a millisecond (a static fixture) to a
    /// minute (a slow, paced stream).
    static let durationBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
    ]

    init(scripts: ScriptThreadPool) {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.durationBuckets
        self.factory = factory
        self.scripts = scripts
        scriptQueue = Metrics.Gauge(label: "lyrebird_script_queue_waiting", factory: factory)
    }

    /// The metrics of one kind of request, made once: making them through the factory cleans
    /// their names and looks them up in the registry, which costs more than counting.
    private struct Handles {
        let requests: Metrics.Counter
        let duration: Metrics.Timer
        let streams: Metrics.Counter?
        let rejections: Metrics.Counter?
    }

    /// What tells requests apart in the metrics.
    private struct Kind: Hashable {
        let provider: String
        let operation: String
        let status: Int
        let source: String
        let streamed: Bool
    }

    /// Each kind's handles. Bounded by what the labels can be: providers' operations, statuses,
    /// fixtures.
    private let handles = Mutex<[Kind: Handles]>([:])

    /// Counts a request as the journal recorded it.
    func observe(_ entry: JournalEntry) {
        let kind = Kind(
            provider: entry.provider ?? "none", operation: entry.operation ?? "none", status: entry.status, source: entry.source ?? "none",
            streamed: entry.streamed)
        let found = handles.withLock { $0[kind] } ?? make(kind)
        found.requests.increment()
        found.duration.recordNanoseconds(Int64(entry.durationMilliseconds * 1_000_000))
        found.streams?.increment()
        found.rejections?.increment()
    }

    private func make(_ kind: Kind) -> Handles {
        let made = Handles(
            requests: Metrics.Counter(
                label: "lyrebird_requests_total",
                dimensions: [
                    ("provider", kind.provider), ("operation", kind.operation), ("status", String(kind.status)), ("source", kind.source),
                ],
                factory: factory),
            duration: Metrics.Timer(
                label: "lyrebird_request_duration_seconds", dimensions: [("provider", kind.provider), ("operation", kind.operation)],
                factory: factory),
            streams: kind.streamed
                ? Metrics.Counter(label: "lyrebird_streams_total", dimensions: [("provider", kind.provider)], factory: factory) : nil,
            rejections: kind.source == QuotaStage.source
                ? Metrics.Counter(label: "lyrebird_quota_rejections_total", dimensions: [("status", String(kind.status))], factory: factory)
                : nil)
        handles.withLock { $0[kind] = made }
        return made
    }

    /// The metrics as Prometheus reads them.
    func exposition() -> [UInt8] {
        scriptQueue.record(scripts.waiting)
        return registry.emitToBuffer()
    }
}
