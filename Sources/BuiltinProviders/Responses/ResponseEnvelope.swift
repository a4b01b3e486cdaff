import Foundation
import LyrebirdPluginAPI

/// The members of a Response object that one request fixes (its id, creation time, and the
/// settings it echoes back: instructions, tools, text format, sampling...), rendered once per
/// request. Every Response of the request (`response.created`, `response.completed`, the whole
/// body, the stored copy) is written from them and only adds what changes: status, output and
/// usage.
struct ResponseEnvelope: Sendable {
    /// What a Response written from the envelope says about the reply.
    enum Phase: Sendable {
        /// Streaming has begun; nothing is complete.
        case inProgress
        case completed(Usage)
        /// The reply stopped early: `reason` is `max_output_tokens` or `content_filter`.
        case incomplete(reason: String, Usage)
        case failed(ReplyError)
    }

    /// A member written once, as its key and the JSON text of its value.
    private struct Member: Sendable {
        let key: String
        let json: [UInt8]
    }

    let id: String
    let createdAt: Int
    /// Whether the response is kept for retrieval and continuation (`store`, default true).
    let store: Bool
    /// The number of `top_logprobs` per token when the request's `include` asks for
    /// `message.output_text.logprobs`; `nil` when it does not.
    let logprobs: Int?
    /// Whether the request asks for a summary of the reasoning (`reasoning.summary`): reasoning
    /// items then carry it, and the stream its summary events.
    let summarizesReasoning: Bool
    private let background: Bool
    /// `instructions` to `model`, the members between the status and `output`.
    private let leading: [Member]
    /// `parallel_tool_calls` to `truncation`, the members between `output` and `usage`.
    private let trailing: [Member]
    /// `user` and `metadata`, after `usage`.
    private let closing: [Member]

    init(request: CanonicalRequest, context: ReplyContext) {
        let body = request.body
        let store = body["store"]?.boolValue ?? true
        id = ResponseIDs.make("resp_")
        createdAt = context.created
        self.store = store
        let includesLogprobs = body["include"]?.arrayValue?.contains { $0.stringValue == "message.output_text.logprobs" } ?? false
        logprobs = includesLogprobs ? body["top_logprobs"]?.intValue ?? 0 : nil
        background = body["background"]?.boolValue ?? false
        summarizesReasoning = body["reasoning"]?["summary"]?.stringValue.map { $0 != "none" } ?? false
        leading = [
            Member(key: "instructions", json: Self.json { $0.value(body["instructions"] ?? .null) }),
            Member(key: "max_output_tokens", json: Self.json { $0.value(body["max_output_tokens"] ?? .null) }),
            Member(key: "max_tool_calls", json: Self.json { $0.value(body["max_tool_calls"] ?? .null) }),
            Member(key: "model", json: Self.json { $0.string(context.model) }),
        ]
        trailing = [
            Member(key: "parallel_tool_calls", json: Self.json { $0.bool(body["parallel_tool_calls"]?.boolValue ?? true) }),
            Member(key: "previous_response_id", json: Self.json { $0.value(body["previous_response_id"] ?? .null) }),
            Member(key: "prompt_cache_key", json: Self.json { $0.value(body["prompt_cache_key"] ?? .null) }),
            Member(
                key: "reasoning",
                json: Self.json { writer in
                    if let reasoning = body["reasoning"], !reasoning.isNull {
                        writer.value(reasoning)
                    } else {
                        writer.object { writer in
                            writer.nullMember("effort")
                            writer.nullMember("summary")
                        }
                    }
                }),
            Member(key: "safety_identifier", json: Self.json { $0.value(body["safety_identifier"] ?? .null) }),
            Member(key: "service_tier", json: Self.json { $0.string("default") }),
            Member(key: "store", json: Self.json { $0.bool(store) }),
            Member(key: "temperature", json: Self.json { $0.number(body["temperature"]?.doubleValue ?? 1) }),
            Member(key: "text", json: Self.json { Self.writeText(body["text"], into: &$0) }),
            Member(key: "tool_choice", json: Self.json { $0.value(body["tool_choice"] ?? "auto") }),
            Member(key: "tools", json: Self.json { Self.writeTools(body["tools"], into: &$0) }),
            Member(key: "top_logprobs", json: Self.json { $0.integer(body["top_logprobs"]?.intValue ?? 0) }),
            Member(key: "top_p", json: Self.json { $0.number(body["top_p"]?.doubleValue ?? 1) }),
            Member(key: "truncation", json: Self.json { $0.string(body["truncation"]?.stringValue ?? "disabled") }),
        ]
        closing = [
            Member(key: "user", json: Self.json { $0.value(body["user"] ?? .null) }),
            Member(key: "metadata", json: Self.json { $0.value(body["metadata"] ?? .object([:])) }),
        ]
    }

    /// Writes the whole Response object in the API's key order.
    func write(_ phase: Phase, output: [ResponseItem], into writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("id", id)
            writer.member("object", "response")
            writer.member("created_at", createdAt)
            switch phase {
            case .inProgress:
                writer.member("status", "in_progress")
                writer.nullMember("completed_at")
            case .completed:
                writer.member("status", "completed")
                writer.member("completed_at", max(createdAt, Int(Date().timeIntervalSince1970)))
            case .incomplete:
                writer.member("status", "incomplete")
                writer.member("completed_at", max(createdAt, Int(Date().timeIntervalSince1970)))
            case .failed:
                writer.member("status", "failed")
                writer.nullMember("completed_at")
            }
            writer.member("background", background)
            if case .failed(let error) = phase {
                writer.member(
                    "error",
                    object: { writer in
                        writer.member("code", error.code ?? "server_error")
                        writer.member("message", error.message)
                    })
            } else {
                writer.nullMember("error")
            }
            if case .incomplete(let reason, _) = phase {
                writer.member("incomplete_details", object: { writer in writer.member("reason", reason) })
            } else {
                writer.nullMember("incomplete_details")
            }
            for member in leading {
                writer.key(member.key)
                writer.raw(member.json)
            }
            writer.member(
                "output",
                array: { writer in
                    for item in output { item.write(into: &writer, logprobs: logprobs) }
                })
            for member in trailing {
                writer.key(member.key)
                writer.raw(member.json)
            }
            switch phase {
            case .completed(let usage), .incomplete(_, let usage):
                writer.key("usage")
                Self.writeUsage(usage, into: &writer)
            case .inProgress, .failed:
                writer.nullMember("usage")
            }
            for member in closing {
                writer.key(member.key)
                writer.raw(member.json)
            }
        }
    }

    /// How a reply that ended with `reason` stands: stopped early by a length limit or a
    /// filter, or complete.
    static func finished(_ reason: FinishReason, usage: Usage) -> Phase {
        switch reason {
        case .length: return .incomplete(reason: "max_output_tokens", usage)
        case .contentFilter: return .incomplete(reason: "content_filter", usage)
        case .stop, .toolCalls: return .completed(usage)
        }
    }

    /// The Response as one JSON document.
    func bytes(_ phase: Phase, output: [ResponseItem]) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 1024)
        write(phase, output: output, into: &writer)
        return writer.bytes
    }

    static func writeUsage(_ usage: Usage, into writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("input_tokens", usage.promptTokens)
            writer.member(
                "input_tokens_details",
                object: { writer in
                    writer.member("cached_tokens", usage.cachedTokens)
                    writer.member("cache_write_tokens", 0)
                })
            writer.member("output_tokens", usage.completionTokens)
            writer.member("output_tokens_details", object: { writer in writer.member("reasoning_tokens", usage.reasoningTokens) })
            writer.member("total_tokens", usage.totalTokens)
        }
    }

    private static func json(_ body: (inout JSONWriter) -> Void) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 32)
        body(&writer)
        return writer.bytes
    }

    /// `text` as the API echoes it: the format with its defaults filled in, and the verbosity.
    private static func writeText(_ text: JSONValue?, into writer: inout JSONWriter) {
        writer.object { writer in
            let format = text?["format"]
            switch format?["type"]?.stringValue {
            case "json_schema":
                writer.member(
                    "format",
                    object: { writer in
                        writer.member("type", "json_schema")
                        writer.member("description", format?["description"] ?? .null)
                        writer.member("name", format?["name"] ?? .null)
                        writer.member("schema", format?["schema"] ?? .null)
                        writer.member("strict", format?["strict"]?.boolValue ?? false)
                    })
            case let type:
                writer.member("format", object: { writer in writer.member("type", type ?? "text") })
            }
            writer.member("verbosity", text?["verbosity"]?.stringValue ?? "medium")
        }
    }

    /// `tools` as the API echoes them: function tools with their defaults filled in (strict
    /// is on unless the client turned it off), hosted tools as the client sent them.
    private static func writeTools(_ tools: JSONValue?, into writer: inout JSONWriter) {
        writer.array { writer in
            for tool in tools?.arrayValue ?? [] {
                guard tool["type"]?.stringValue == "function" else {
                    writer.value(tool)
                    continue
                }
                writer.object { writer in
                    writer.member("type", "function")
                    writer.member("description", tool["description"] ?? .null)
                    writer.member("name", tool["name"] ?? .null)
                    writer.member("parameters", tool["parameters"] ?? .null)
                    writer.member("strict", tool["strict"]?.boolValue ?? true)
                }
            }
        }
    }
}
