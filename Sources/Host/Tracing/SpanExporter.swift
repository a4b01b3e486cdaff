import Logging
import ServiceLifecycle

#if OpenTelemetry
    import OTel
    import Tracing
#endif

/// Sends the spans of the host's requests to an OTLP/HTTP collector, in batches, through
/// swift-otel. Built only with the package's `OpenTelemetry` trait (on by default); without it
/// a configuration that asks for traces is refused.
enum SpanExporter {
    /// Whether this build can send spans.
    static var isAvailable: Bool {
        #if OpenTelemetry
            true
        #else
            false
        #endif
    }

    /// The recorder the journal hands each request's span to, and the service that sends them
    /// (it must run beside the server, and sends the last batch when it stops).
    static func make(_ settings: TraceSettings, logger: Logger) throws -> (recorder: any SpanRecorder, service: any Service) {
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
            configuration.propagators = [.traceContext]
            configuration.diagnosticLogger = .custom(logger)
            let backend = try OTel.makeTracingBackend(configuration: configuration)
            return (OTelSpanRecorder(tracer: backend.factory), backend.service)
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
    /// Starts and ends each request's span at the times the journal recorded, so the span covers
    /// the request from its arrival until its reply ended.
    private struct OTelSpanRecorder: SpanRecorder {
        let tracer: any Tracer

        func record(_ span: RequestSpan) {
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
