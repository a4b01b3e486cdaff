import Foundation
import LyrebirdPluginAPI

/// `GET /api/tags` and `POST /api/show`: the host's models and the provider's own, as Ollama
/// describes local models. A name without a tag and the same name with `:latest` are one model,
/// as in Ollama.
///
/// Lyrebird has no model files: the family is the name's leading letters (`llama3.2` is a
/// `llama`), the size and digest are derived from the name so that they never change, and the
/// modification time is fixed.
struct OllamaModelList {
    /// Model names in listing order, each once.
    let names: [String]
    /// Parameter sizes of the models the provider offers.
    let parameterSizes: [String: String]

    /// When every model was "modified": a fixed time, so listings compare equal from run to run
    /// (2023-11-14T22:13:20Z).
    static let modifiedAt = Date(timeIntervalSince1970: 1_700_000_000).formatted(.iso8601)

    init(host: HostInfo, offered: [(name: String, parameterSize: String)]) {
        var seen = Set<String>()
        var names: [String] = []
        for name in host.models.map(\.id) + offered.map(\.name) where seen.insert(Self.tagged(name)).inserted { names.append(name) }
        self.names = names
        self.parameterSizes = Dictionary(offered.map { (Self.tagged($0.name), $0.parameterSize) }, uniquingKeysWith: { first, _ in first })
    }

    /// `{"models": [...]}`.
    func tags() -> WireResponse {
        var writer = JSONWriter(reservingCapacity: 64 + names.count * 320)
        writer.object { writer in
            writer.member(
                "models",
                array: { writer in
                    for name in names {
                        writer.object { writer in
                            writer.member("name", name)
                            writer.member("model", name)
                            writer.member("modified_at", Self.modifiedAt)
                            writer.member("size", Self.size(of: name))
                            writer.member("digest", Self.digest(of: name))
                            writer.key("details")
                            writeDetails(of: name, into: &writer)
                        }
                    }
                })
        }
        return WireResponse(status: 200, body: writer.bytes)
    }

    /// The model a `show` body names, or Ollama's 404.
    func show(_ body: [UInt8]) throws(ReplyError) -> WireResponse {
        let fields = try OllamaRequestDecoder.body(body, request: "ShowRequest")
        // `name` is the field's name before Ollama renamed it `model`.
        let model = try fields.string("model")
        let legacyName = try fields.string("name")
        guard let requested = model ?? legacyName, !requested.isEmpty else {
            throw OllamaErrors.badRequest("model is required", param: "model")
        }
        guard let name = names.first(where: { Self.tagged($0) == Self.tagged(requested) }) else {
            throw ReplyError(status: 404, message: "model '\(requested)' not found", type: "invalid_request_error", param: "model")
        }
        let family = Self.family(of: name)
        var writer = JSONWriter(reservingCapacity: 512)
        writer.object { writer in
            writer.member("modelfile", "# Modelfile served by Lyrebird\nFROM \(name)\n")
            writer.member("template", "{{ .Prompt }}")
            writer.key("details")
            writeDetails(of: name, into: &writer)
            writer.member(
                "model_info",
                object: { writer in
                    writer.member("general.architecture", family)
                    writer.member("general.basename", name)
                })
            writer.member(
                "capabilities",
                array: { writer in
                    for capability in ["completion", "tools"] { writer.string(capability) }
                })
            writer.member("modified_at", Self.modifiedAt)
        }
        return WireResponse(status: 200, body: writer.bytes)
    }

    /// A `ModelDetails`: what `tags`, `show` and `ps` say of a model.
    func writeDetails(of name: String, into writer: inout JSONWriter) {
        let family = Self.family(of: name)
        writer.object { writer in
            writer.member("parent_model", "")
            writer.member("format", "gguf")
            writer.member("family", family)
            writer.member("families", array: { writer in writer.string(family) })
            writer.member("parameter_size", parameterSizes[Self.tagged(name)] ?? "")
            writer.member("quantization_level", "Q4_K_M")
        }
    }

    /// `llama3.2` -> `llama3.2:latest`; a tagged name stays as it is.
    static func tagged(_ name: String) -> String {
        name.contains(":") ? name : name + ":latest"
    }

    /// The name's leading letters, lower-cased (`Llama3.2` -> `llama`), or `lyrebird`.
    static func family(of name: String) -> String {
        let letters = name.prefix { $0.isLetter }.lowercased()
        return letters.isEmpty ? "lyrebird" : letters
    }

    /// 64 hex digits derived from the name: FNV-1a, four times with different starting points.
    static func digest(of name: String) -> String {
        (0..<4).map { round in
            let hash = fnv1a(name, seed: UInt64(round))
            let hex = String(hash, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// Between 1 and 5 GB, derived from the name.
    static func size(of name: String) -> Int {
        1_000_000_000 + Int(fnv1a(name, seed: 4) % 4_000_000_000)
    }

    private static func fnv1a(_ text: String, seed: UInt64) -> UInt64 {
        var hash = FNV1a(seed: seed)
        hash.add(text)
        return hash.value
    }
}
