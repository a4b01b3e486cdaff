/// Where the host sends a span of every request it answers (`settings.traces`): an
/// OpenTelemetry collector that takes OTLP over HTTP.
public struct TraceSettings: Sendable, Hashable {
    /// How spans are encoded on their way to the collector.
    public enum Encoding: String, Sendable, CaseIterable {
        /// OTLP's binary protobuf encoding, which every collector takes.
        case protobuf = "http/protobuf"
        /// OTLP's JSON encoding.
        case json = "http/json"
    }

    /// The collector's OTLP/HTTP address. A base address (`http://127.0.0.1:4318`) gets the
    /// traces path `/v1/traces`, as `OTEL_EXPORTER_OTLP_ENDPOINT` does; an address with a
    /// path of its own is used as it is.
    public var endpoint: String
    /// How spans are encoded (`settings.traces.protocol`).
    public var encoding: Encoding = .protobuf
    /// The `service.name` of the host's resource (`settings.traces.service_name`).
    public var serviceName = "lyrebird"
    /// How long finished spans wait to be sent together (`settings.traces.export_delay_ms`).
    public var exportDelay: Duration = .seconds(1)
    /// How long one export may take, retries included, before its spans are given up
    /// (`settings.traces.export_timeout_ms`); it also bounds how long a stopping host waits
    /// for its last spans to leave.
    public var exportTimeout: Duration = .seconds(5)
    /// The share of requests without a sampled parent whose spans are sent
    /// (`settings.traces.sample_ratio`, 1 for all): a span whose client's `traceparent` says it
    /// is sampled is always sent. Exporting every span of a host under full load costs a third
    /// of its throughput; a tenth of them costs a few percent.
    public var sampleRatio = 1.0
    /// How many finished spans may wait to be sent (`settings.traces.max_queued_spans`): past
    /// it, when the collector falls behind, spans are dropped, and the host logs how many.
    public var maxQueuedSpans = 16384

    /// Creates settings that send spans to `endpoint`, encoded in protobuf.
    public init(endpoint: String) {
        self.endpoint = endpoint
    }

    /// What is wrong with `endpoint` as a collector's address, or `nil` when nothing is.
    public static func problem(withEndpoint endpoint: String) -> String? {
        let schemes = ["http://", "https://"]
        guard let scheme = schemes.first(where: endpoint.hasPrefix), endpoint.count > scheme.count,
            !endpoint.contains(where: \.isWhitespace)
        else {
            return "must be an http:// or https:// address, such as http://127.0.0.1:4318"
        }
        return nil
    }

    /// Where the spans are posted.
    public var tracesURL: String {
        guard let schemeEnd = endpoint.range(of: "://") else { return endpoint }
        let afterScheme = endpoint[schemeEnd.upperBound...]
        guard let slash = afterScheme.firstIndex(of: "/") else { return endpoint + "/v1/traces" }
        let path = afterScheme[slash...]
        return path == "/" ? endpoint + "v1/traces" : endpoint
    }
}
