import LyrebirdPluginAPI

/// The `options` of a request that the canonical model has a place for, checked as Ollama
/// checks them (`option "temperature" must be of type float32`).
struct OllamaOptions {
    let sampling: SamplingParameters

    init(_ options: OllamaObject?) throws(ReplyError) {
        guard let options else {
            sampling = SamplingParameters()
            return
        }
        let maxTokens = try Self.integer(options, "num_predict")
        sampling = SamplingParameters(
            temperature: try Self.number(options, "temperature"),
            topP: try Self.number(options, "top_p"),
            // -1 asks for no limit and -2 for as much as the context holds: neither is a limit here.
            maxTokens: maxTokens.flatMap { $0 >= 0 ? $0 : nil },
            stop: try Self.strings(options, "stop"),
            seed: try Self.integer(options, "seed"))
    }

    private static func number(_ options: OllamaObject, _ name: String) throws(ReplyError) -> Double? {
        guard let value = options[name] else { return nil }
        guard value.boolValue == nil, let number = value.doubleValue else { throw wrongType(name, "float32") }
        return number
    }

    private static func integer(_ options: OllamaObject, _ name: String) throws(ReplyError) -> Int? {
        guard let value = options[name] else { return nil }
        // Go reads JSON numbers as floats and truncates them into integer options.
        guard value.boolValue == nil, let number = value.doubleValue, let integer = Int(exactly: number.rounded(.towardZero)) else {
            throw wrongType(name, "integer")
        }
        return integer
    }

    private static func strings(_ options: OllamaObject, _ name: String) throws(ReplyError) -> [String] {
        guard let value = options[name] else { return [] }
        guard case .array(let elements) = value else { throw wrongType(name, "array") }
        var strings: [String] = []
        for element in elements {
            guard case .string(let text) = element else {
                throw OllamaErrors.badRequest("option \"\(name)\" must be of an array of strings", param: "options.\(name)")
            }
            strings.append(text)
        }
        return strings
    }

    private static func wrongType(_ name: String, _ type: String) -> ReplyError {
        OllamaErrors.badRequest("option \"\(name)\" must be of type \(type)", param: "options.\(name)")
    }
}
