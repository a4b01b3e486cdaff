import Logging
import ServiceLifecycle
import Synchronization

#if OpenTelemetry
    import OTel
    import Tracing
#endif

/// Sends the spans of the host's requests to an OTLP/HTTP collector, in batches, through
/// swift-otel. Built only with the package's `OpenTelemetry` trait (on by default); without it
/// a configuration that asks for traces is refused.
enum SpanExporter {
    /// The recorder the journal hands each request's span to, and the services that send them
    /// (they must run beside the server, in this order, and send the last batch when they stop).
    static func make(_ settings: TraceSettings, logger: Logger) throws -> (recorder: any SpanRecorder, services: [any Service]) {
        #if OpenTelemetry
            var configuration = OTel.Configuration.default
            configuration.serviceName = settings.serviceName
            configuration.logs.enabled = false
            configuration.metrics.enabled = false
            configuration.traces.exporter = .otlp
            configuration.traces.otlpExporter.endpoint = settings.tracesURL
            configuration.traces.otlpExporter.protocol = settings.encoding == .json ? .httpJSON : .httpProtobuf
            configuration.traces.batchSpanProcessor.scheduleDelay = settings.exportDelay
            configuration.traces.batchSpanProcessor.exportTimeout = settings.exportTimeout
            configuration.traces.otlpExporter.timeout = settings.exportTimeout
            configuration.traces.batchSpanProcessor.maxQueueSize = settings.maxQueuedSpans
            // One batch leaves per tick: a quarter of the queue keeps up with a busy host.
            configuration.traces.batchSpanProcessor.maxExportBatchSize = max(1, settings.maxQueuedSpans / 4)
            configuration.traces.sampler = .parentBasedTraceIDRatio(ratio: settings.sampleRatio) ?? .parentBasedAlwaysOn
            configuration.propagators = [.traceContext]
            configuration.diagnosticLogger = .custom(logger)
            let backend = try OTel.makeTracingBackend(configuration: configuration)
            let recorder = OTelSpanRecorder(tracer: backend.factory, capacity: settings.maxQueuedSpans, logger: logger)
            return (recorder, [backend.service, recorder])
        #else
            throw Unavailable()
        #endif
    }

    /// Why `make` failed in a build without the `OpenTelemetry` trait.
    struct Unavailable: Error, CustomStringConvertible {
        var description: String { "this build of Lyrebird has no OpenTelemetry support (the package's OpenTelemetry trait was off)" }
    }
}

#if OpenTelemetry
    /// Keeps the spans of finished requests and hands them to swift-otel every few
    /// milliseconds from one task, so a request only appends a value under a lock, and the
    /// exporter's queue is woken once per batch rather than once per request.
    ///
    /// Each span starts and ends at the times the journal recorded: it covers the request from
    /// its arrival until its reply ended.
    private final class OTelSpanRecorder: SpanRecorder, Service {
        private let tracer: any Tracer
        private let pending = Mutex<[RequestSpan]>([])
        private let capacity: Int
        /// Spans that found the queue full since the last report.
        private let dropped = Atomic<Int>(0)
        private let logger: Logger
        /// How often the kept spans are handed on.
        private static let interval: Duration = .milliseconds(50)

        init(tracer: any Tracer, capacity: Int, logger: Logger) {
            self.tracer = tracer
            self.capacity = capacity
            self.logger = logger
        }

        func record(_ span: RequestSpan) {
            let kept = pending.withLock { pending in
                guard pending.count < capacity else { return false }
                pending.append(span)
                return true
            }
            if !kept { dropped.add(1, ordering: .relaxed) }
        }

        func run() async throws {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                try? await Task.sleep(for: Self.interval)
                handOn()
            }
            // The last requests' spans, before the exporter (which stops after this) sends its last batch.
            handOn()
        }

        private func handOn() {
            let spans = pending.withLock { pending in
                defer { pending.removeAll(keepingCapacity: true) }
                return pending
            }
            for span in spans { start(span) }
            let lost = dropped.exchange(0, ordering: .relaxed)
            if lost > 0 {
                logger.warning("\(lost) spans were dropped: more finished requests waited than settings.traces.max_queued_spans")
            }
        }

        private func start(_ span: RequestSpan) {
            var context = InstrumentationContext.topLevel
            if let parent = span.traceParent {
                tracer.extract(parent, into: &context, using: TraceParentExtractor())
            }
            let started = tracer.startSpan(
                span.name, context: context, ofKind: .server, at: DefaultTracerClock.Timestamp(nanosecondsSinceEpoch: span.startNanoseconds)
            )
            for (key, value) in span.attributes {
                switch value {
                case .string(let text): started.attributes[key] = text
                case .integer(let number): started.attributes[key] = number
                case .double(let number): started.attributes[key] = number
                case .bool(let flag): started.attributes[key] = flag
                }
            }
            if let failure = span.failure { started.setStatus(SpanStatus(code: .error, message: failure)) }
            started.end(at: DefaultTracerClock.Timestamp(nanosecondsSinceEpoch: span.endNanoseconds))
        }
    }

    /// Reads a `traceparent` header's value as the W3C propagator asks for it.
    private struct TraceParentExtractor: Extractor {
        func extract(key: String, from traceParent: String) -> String? {
            key == "traceparent" ? traceParent : nil
        }
    }
#endif
