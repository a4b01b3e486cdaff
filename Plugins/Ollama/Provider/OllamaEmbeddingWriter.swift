import LyrebirdPluginAPI

/// Writes embedding replies: `/api/embed`'s `{"model", "embeddings": [[...]], "total_duration",
/// "load_duration", "prompt_eval_count"}`, and `/api/embeddings`' `{"embedding": [...]}`.
///
/// The numbers are float32s, as Ollama's models give them, each written as the shortest text that
/// reads back as the same float32. The durations are nominal, as for chat: the model loads in a
/// millisecond and reads 1000 tokens a second. A request without inputs gets the model and no
/// vectors, without counts, as from Ollama.
enum OllamaEmbeddingWriter {
    static func embed(_ reply: CompletedReply, model: String) -> WireResponse {
        let numbers = reply.embeddings.reduce(0) { $0 + $1.count }
        var writer = JSONWriter(reservingCapacity: 128 + reply.embeddings.count * 4 + numbers * 13)
        writer.object { writer in
            writer.member("model", model)
            writer.member(
                "embeddings",
                array: { writer in
                    for vector in reply.embeddings { write(vector, into: &writer) }
                })
            guard !reply.embeddings.isEmpty else { return }
            let load = 1_000_000
            writer.member("total_duration", load + reply.usage.promptTokens * 1_000_000)
            writer.member("load_duration", load)
            writer.member("prompt_eval_count", reply.usage.promptTokens)
        }
        return WireResponse(status: 200, body: writer.bytes)
    }

    static func embeddings(_ reply: CompletedReply) -> WireResponse {
        var writer = JSONWriter(reservingCapacity: 32 + (reply.embeddings.first?.count ?? 0) * 13)
        writer.object { writer in
            writer.key("embedding")
            write(reply.embeddings.first ?? [], into: &writer)
        }
        return WireResponse(status: 200, body: writer.bytes)
    }

    private static func write(_ vector: [Double], into writer: inout JSONWriter) {
        writer.array { writer in
            for value in vector {
                let number = Float(value)
                if number.isFinite { writer.raw(number.description.utf8) } else { writer.null() }
            }
        }
    }
}
