import Metrics
import Prometheus

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

    /// Counts a request as the journal recorded it.
    func observe(_ entry: JournalEntry) {
        let provider = entry.provider ?? "none"
        let operation = entry.operation ?? "none"
        let source = entry.source ?? "none"
        Metrics.Counter(
            label: "lyrebird_requests_total",
            dimensions: [("provider", provider), ("operation", operation), ("status", String(entry.status)), ("source", source)],
            factory: factory
        ).increment()
        Metrics.Timer(
            label: "lyrebird_request_duration_seconds", dimensions: [("provider", provider), ("operation", operation)], factory: factory
        )
        .recordNanoseconds(Int64(entry.durationMilliseconds * 1_000_000))
        if entry.streamed {
            Metrics.Counter(label: "lyrebird_streams_total", dimensions: [("provider", provider)], factory: factory).increment()
        }
        if source == QuotaStage.source {
            Metrics.Counter(label: "lyrebird_quota_rejections_total", dimensions: [("status", String(entry.status))], factory: factory)
                .increment()
        }
    }

    /// The metrics as Prometheus reads them.
    func exposition() -> [UInt8] {
        scriptQueue.record(scripts.waiting)
        return registry.emitToBuffer()
    }
}
