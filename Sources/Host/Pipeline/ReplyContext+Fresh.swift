import Foundation
import LyrebirdPluginAPI

extension ReplyContext {
    /// The context of a reply the host starts before it knows a model or counts a prompt: the
    /// request's id, fresh id material for the provider, and the time. The pipeline fills in
    /// the model and the prompt's tokens once the request is decoded.
    static func fresh(requestID: String, created: TimeInterval = Date().timeIntervalSince1970) -> ReplyContext {
        ReplyContext(
            requestID: requestID, idSuffix: Identifiers.alphanumeric(24), created: Int(created), model: "",
            systemFingerprint: "fp_lyrebird", promptTokens: 0, createdMilliseconds: Int64(created * 1000))
    }
}
