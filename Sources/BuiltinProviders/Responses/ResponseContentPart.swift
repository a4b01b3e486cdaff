import LyrebirdPluginAPI

/// One part of a Responses message's content (or of a function call's output), as it is stored
/// and listed.
enum ResponseContentPart: Sendable, Hashable {
    /// `input_text`: text from the user, system or developer.
    case inputText(String)
    /// `output_text`: text the assistant wrote.
    case outputText(String)
    /// `input_image`, by URL (a `data:` URL for inline images) or by file id.
    case inputImage(imageURL: String?, fileID: String?, detail: String)
    /// Any other part (`input_file`, `refusal`), kept as the client sent it.
    case other(type: String, value: JSONValue)

    /// The part as matchers and responders see it.
    var canonical: ContentPart {
        switch self {
        case .inputText(let text), .outputText(let text):
            return .text(text)
        case .inputImage(let imageURL?, _, _):
            return .image(url: imageURL)
        case .inputImage(nil, let fileID, let detail):
            return .other(type: "input_image", value: ["file_id": fileID.map(JSONValue.string) ?? .null, "detail": .string(detail)])
        case .other(let type, let value):
            return .other(type: type, value: value)
        }
    }

    /// Writes the part as the API lists it: `type` first, then the rest in alphabetical order.
    func write(into writer: inout JSONWriter, logprobs: Int? = nil) {
        switch self {
        case .inputText(let text):
            writer.object { writer in
                writer.member("type", "input_text")
                writer.member("text", text)
            }
        case .outputText(let text):
            Self.writeOutputText(text, logprobs: logprobs, into: &writer)
        case .inputImage(let imageURL, let fileID, let detail):
            writer.object { writer in
                writer.member("type", "input_image")
                writer.member("detail", detail)
                writer.member("file_id", fileID)
                writer.member("image_url", imageURL)
            }
        case .other(_, let value):
            writer.value(value)
        }
    }

    /// `{"type":"output_text","annotations":[],"logprobs":[],"text":...}`, the part every
    /// assistant message of a reply has.
    ///
    /// - Parameter logprobs: The number of `top_logprobs` per token when the request asked for
    ///   log probabilities (`logprobs` then lists the text's tokens), else `nil`.
    static func writeOutputText(_ text: String, logprobs: Int? = nil, into writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("type", "output_text")
            writer.member("annotations", array: { _ in })
            writer.key("logprobs")
            writeLogprobs(of: text, top: logprobs, into: &writer)
            writer.member("text", text)
        }
    }

    /// The `logprobs` of output text: its tokens when `top` is given, else an empty list.
    static func writeLogprobs(of text: String, top: Int?, into writer: inout JSONWriter) {
        guard let top else {
            writer.array { _ in }
            return
        }
        TokenLogprobs.writeContent(TokenLogprobs.tokens(of: text[...], from: 0, top: top), into: &writer)
    }
}
