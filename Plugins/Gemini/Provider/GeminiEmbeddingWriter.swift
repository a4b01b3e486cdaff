import LyrebirdPluginAPI

/// Writes embedding replies: `{"embedding": {"values": [...]}}` for `embedContent`, and
/// `{"embeddings": [{"values": [...]}, ...]}` in request order for `batchEmbedContents`.
///
/// Google's values are float32s; each is written as the shortest text that reads back as the
/// same float32, as its JSON mapping writes them.
enum GeminiEmbeddingWriter {
    static func single(_ reply: CompletedReply) -> WireResponse {
        var writer = JSONWriter(reservingCapacity: 32 + (reply.embeddings.first?.count ?? 0) * 13)
        writer.object { writer in
            writer.key("embedding")
            write(reply.embeddings.first ?? [], into: &writer)
        }
        return WireResponse(status: 200, body: writer.bytes)
    }

    static func batch(_ reply: CompletedReply) -> WireResponse {
        let numbers = reply.embeddings.reduce(0) { $0 + $1.count }
        var writer = JSONWriter(reservingCapacity: 32 + reply.embeddings.count * 16 + numbers * 13)
        writer.object { writer in
            writer.member(
                "embeddings",
                array: { writer in
                    for vector in reply.embeddings { write(vector, into: &writer) }
                })
        }
        return WireResponse(status: 200, body: writer.bytes)
    }

    /// A `ContentEmbedding`: `{"values": [...]}`.
    private static func write(_ vector: [Double], into writer: inout JSONWriter) {
        writer.object { writer in
            writer.member(
                "values",
                array: { writer in
                    for value in vector {
                        let number = Float(value)
                        if number.isFinite { writer.raw(number.description.utf8) } else { writer.null() }
                    }
                })
        }
    }
}
