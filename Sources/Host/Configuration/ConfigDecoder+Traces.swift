import Yams

extension ConfigDecoder {
    /// Reads `settings.traces`: `{endpoint, protocol?, service_name?, export_delay_ms?,
    /// export_timeout_ms?, max_queued_spans?, sample_ratio?}`.
    mutating func decodeTraces(_ node: Node, path: String) -> TraceSettings? {
        let keys = "endpoint, protocol, service_name, export_delay_ms, export_timeout_ms, max_queued_spans, sample_ratio"
        guard let mapping = node.mapping else {
            report(node, key: path, "must be a mapping (\(keys))")
            return nil
        }
        var endpoint: String?
        var encoding = TraceSettings.Encoding.protobuf
        var serviceName: String?
        var exportDelay: Int?
        var exportTimeout: Int?
        var maxQueuedSpans: Int?
        var sampleRatio: Double?
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            let keyPath = "\(path).\(key)"
            switch key {
            case "endpoint":
                endpoint = string(value, path: keyPath)
                if let text = endpoint, let problem = TraceSettings.problem(withEndpoint: text) {
                    report(value, key: keyPath, problem)
                    endpoint = nil
                }
            case "protocol":
                guard let text = string(value, path: keyPath) else { continue }
                guard let chosen = TraceSettings.Encoding(rawValue: text) else {
                    report(value, key: keyPath, "must be \(TraceSettings.Encoding.allCases.map(\.rawValue).joined(separator: " or "))")
                    continue
                }
                encoding = chosen
            case "service_name": serviceName = string(value, path: keyPath)
            case "export_delay_ms": exportDelay = integer(value, path: keyPath, range: 1...600_000)
            case "export_timeout_ms": exportTimeout = integer(value, path: keyPath, range: 100...600_000)
            case "max_queued_spans": maxQueuedSpans = integer(value, path: keyPath, range: 1...10_000_000)
            case "sample_ratio": sampleRatio = number(value, path: keyPath, range: 0...1)
            default: report(keyNode, key: keyPath, "unknown key (expected \(keys))")
            }
        }
        guard let endpoint else {
            if !mapping.contains(where: { $0.key.string == "endpoint" }) {
                report(node, key: "\(path).endpoint", "missing: the collector's OTLP/HTTP address, such as http://127.0.0.1:4318")
            }
            return nil
        }
        var settings = TraceSettings(endpoint: endpoint)
        settings.encoding = encoding
        if let serviceName { settings.serviceName = serviceName }
        if let exportDelay { settings.exportDelay = .milliseconds(exportDelay) }
        if let exportTimeout { settings.exportTimeout = .milliseconds(exportTimeout) }
        if let maxQueuedSpans { settings.maxQueuedSpans = maxQueuedSpans }
        if let sampleRatio { settings.sampleRatio = sampleRatio }
        return settings
    }
}
