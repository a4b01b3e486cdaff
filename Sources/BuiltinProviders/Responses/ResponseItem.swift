import LyrebirdPluginAPI

/// One item of a Responses conversation: an input item the client sent or an output item a
/// reply produced. Stored responses keep both, so that `input_items` can list them and a later
/// request's `previous_response_id` can continue from them.
enum ResponseItem: Sendable, Hashable {
    /// The status an item has on the wire.
    enum Status: String, Sendable, Hashable {
        case inProgress = "in_progress"
        case completed
        case incomplete
    }

    /// What a function call returned: text, or a list of parts.
    enum Output: Sendable, Hashable {
        case text(String)
        case parts([ResponseContentPart])
    }

    /// A message (`msg_` id) from any role.
    case message(id: String, role: Message.Role, status: Status, content: [ResponseContentPart])
    /// A call the assistant made to a function (`fc_` id); `arguments` is JSON text.
    case functionCall(id: String, callID: String, name: String, arguments: String, status: Status)
    /// The result of a function call (`fco_` id), sent back by the client.
    case functionCallOutput(id: String, callID: String, output: Output)
    /// The reasoning of a reply (`rs_` id): its summary's parts, none unless the request asked
    /// for a summary (`reasoning.summary`).
    case reasoning(id: String, summary: [String], status: Status)
    /// An item of another type (a reasoning item the client sends back, a hosted tool's
    /// call...), kept as the client sent it; matchers and responders do not see it.
    case other(id: String, members: [String: JSONValue])

    var id: String {
        switch self {
        case .message(let id, _, _, _), .functionCall(let id, _, _, _, _), .functionCallOutput(let id, _, _),
            .reasoning(let id, _, _), .other(let id, _):
            return id
        }
    }

    /// Writes the item as the API does: `id`, `type`, `status`, then the rest in alphabetical
    /// order (the order recorded from the live API).
    ///
    /// - Parameter logprobs: For the output text of a reply, the number of `top_logprobs` per
    ///   token when the request asked for log probabilities.
    func write(into writer: inout JSONWriter, logprobs: Int? = nil) {
        switch self {
        case .message(let id, let role, let status, let content):
            writer.object { writer in
                writer.member("id", id)
                writer.member("type", "message")
                writer.member("status", status.rawValue)
                writer.member(
                    "content",
                    array: { writer in
                        for part in content { part.write(into: &writer, logprobs: logprobs) }
                    })
                writer.member("role", role.rawValue)
            }
        case .functionCall(let id, let callID, let name, let arguments, let status):
            writer.object { writer in
                writer.member("id", id)
                writer.member("type", "function_call")
                writer.member("status", status.rawValue)
                writer.member("arguments", arguments)
                writer.member("call_id", callID)
                writer.member("name", name)
            }
        case .functionCallOutput(let id, let callID, let output):
            writer.object { writer in
                writer.member("id", id)
                writer.member("type", "function_call_output")
                writer.member("status", Status.completed.rawValue)
                writer.member("call_id", callID)
                switch output {
                case .text(let text):
                    writer.member("output", text)
                case .parts(let parts):
                    writer.member(
                        "output",
                        array: { writer in
                            for part in parts { part.write(into: &writer) }
                        })
                }
            }
        case .reasoning(let id, let summary, let status):
            writer.object { writer in
                writer.member("id", id)
                writer.member("type", "reasoning")
                writer.member("status", status.rawValue)
                writer.member(
                    "summary",
                    array: { writer in
                        for text in summary { Self.writeSummaryPart(text, into: &writer) }
                    })
            }
        case .other(let id, let members):
            writer.object { writer in
                writer.member("id", id)
                if let type = members["type"] { writer.member("type", type) }
                for name in members.keys.sorted() where name != "id" && name != "type" {
                    writer.member(name, members[name]!)
                }
            }
        }
    }

    /// `{"type": "summary_text", "text": ...}`: one part of a reasoning item's summary.
    static func writeSummaryPart(_ text: String, into writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("type", "summary_text")
            writer.member("text", text)
        }
    }
}
