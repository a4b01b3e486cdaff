import Foundation
import LyrebirdPluginAPI

/// How a reply shows the model's reasoning, from the request's `thinking`: not at all unless
/// thinking is enabled (`enabled` with a budget, or `adaptive`); with `display: omitted`, as
/// thinking blocks whose text is empty but whose signature is there.
package enum AnthropicThinking: Sendable, Equatable {
    case hidden
    case shown
    case omitted

    /// What the request asks for; its `thinking` has been checked by the decoder.
    package init(_ request: CanonicalRequest) {
        self.init(thinking: request.body["thinking"])
    }

    /// What a checked `thinking` object asks for (`nil` when the request has none).
    package init(thinking: JSONValue?) {
        guard let thinking, let type = thinking["type"]?.stringValue, type == "enabled" || type == "adaptive" else {
            self = .hidden
            return
        }
        self = thinking["display"]?.stringValue == "omitted" ? .omitted : .shown
    }

    /// The signature of a thinking block: opaque, as Anthropic's are, and the same for the same
    /// reasoning, so a client that sends the block back sends what it got.
    package static func signature(of reasoning: String) -> String {
        let digest = String(SeededRandom.hash(reasoning), radix: 16)
        return Data("lyrebird-thinking:\(digest):\(reasoning.utf8.count)".utf8).base64EncodedString()
    }
}
