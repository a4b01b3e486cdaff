import Foundation
import LyrebirdPluginAPI

extension OllamaModelList {
    /// How long Ollama keeps a model loaded after a request by default (`keep_alive`).
    static let keepAlive: TimeInterval = 5 * 60
    /// The context window a running model reports: Ollama's default `num_ctx`.
    static let contextLength = 4096

    /// `GET /api/ps`: every listed model, as if each were loaded whole into GPU memory
    /// (`size_vram` is its size) and due to be unloaded `keepAlive` after `now`.
    func running(now: Date) -> WireResponse {
        let expiresAt = now.addingTimeInterval(Self.keepAlive).formatted(.iso8601)
        var writer = JSONWriter(reservingCapacity: 64 + names.count * 360)
        writer.object { writer in
            writer.member(
                "models",
                array: { writer in
                    for name in names {
                        writer.object { writer in
                            writer.member("name", name)
                            writer.member("model", name)
                            writer.member("size", Self.size(of: name))
                            writer.member("digest", Self.digest(of: name))
                            writer.key("details")
                            writeDetails(of: name, into: &writer)
                            writer.member("expires_at", expiresAt)
                            writer.member("size_vram", Self.size(of: name))
                            writer.member("context_length", Self.contextLength)
                        }
                    }
                })
        }
        return WireResponse(status: 200, body: writer.bytes)
    }
}
