// Written against LyrebirdPluginAPI 1.1 as the versioning rule of docs/plugins.md asks: every
// switch over an enum of the API covers the cases it knows and ends in `@unknown default`, so
// that a case a later 1.x release adds is a warning here, never an error. It switches over every
// public enum it can see. Never edit this file.
//
// POST /outside/echo takes {"model": "...", "text": "..."} and answers {"echo": TEXT, "seen": [...]}:
// what the switches below made of the request and the reply. Streams are lines of text.

import LyrebirdPluginAPI

@_cdecl("lyrebird_plugin_entry")
public func lyrebirdPluginEntry(host: UnsafeRawPointer?, info: UnsafeMutableRawPointer?) -> Int32 {
    LyrebirdPlugin.entry(host: host, info: info, name: "outside", version: "1.1.0") { setup in
        try setup.add(OutsideProvider())
        setup.logger.log("outside plugin ready at level \(describe(PluginLogger.Level.info))", level: .info)
    }
}

struct OutsideProvider: Provider {
    let name = "outside"
    let routes = [
        ProviderRoute(
            method: .post, path: "/outside/echo", operation: "outside.echo", transports: [.http, .sse, .websocket],
            webSocketFraming: .envelope(prefix: "outside"))
    ]

    func decode(_ request: WireRequest, route: ProviderRoute) throws(ReplyError) -> CanonicalRequest {
        let fields = try RequestFields(parsing: request.body)
        var seen = [describe(request.method), describe(route.answeredBy), describe(route.webSocketFraming)]
        seen += route.transports.sorted { $0.rawValue < $1.rawValue }.map(describe)
        let message = Message(role: .user, text: try fields.requiredString("text"))
        seen.append(describe(message.role))
        seen += message.content.map(describe)
        var canonical = CanonicalRequest(
            operation: route.operation, model: try fields.requiredString("model"), messages: [message],
            stream: try fields.bool("stream") ?? false, includeUsage: true, body: fields.body, headers: request.headers)
        seen.append(describe(canonical.toolChoice))
        seen.append(describe(canonical.responseFormat))
        seen.append(describe(canonical.replyKind))
        canonical.user = seen.joined(separator: ",")
        return canonical
    }

    func encode(_ reply: CompletedReply, for request: CanonicalRequest, context: ReplyContext) -> WireResponse {
        let choice = reply.choices.first ?? CompletedReply.Choice(index: 0)
        var writer = JSONWriter()
        writer.object { writer in
            writer.member("echo", choice.text)
            writer.member(
                "seen",
                array: { writer in
                    for item in (request.user ?? "").split(separator: ",") { writer.string(String(item)) }
                    writer.string(describe(choice.finishReason))
                    writer.string(describe(request.body))
                })
        }
        return WireResponse(status: 200, body: writer.bytes)
    }

    func encode(_ error: ReplyError, for request: CanonicalRequest?, context: ReplyContext) -> WireResponse {
        WireResponse(status: error.status, body: Array("{\"problem\": \(JSONValue.string(error.message).serialized)}".utf8))
    }

    func makeStreamEncoder(for request: CanonicalRequest, context: ReplyContext) -> any StreamEncoder {
        LineEncoder()
    }
}

struct LineEncoder: StreamEncoder {
    let contentType = "text/plain"

    func start() -> [UInt8] { [] }

    func encode(_ event: ReplyEvent, choice: Int) -> [UInt8] {
        Array((describe(event) + "\n").utf8)
    }

    func finish() -> [UInt8] { Array("end\n".utf8) }
}

func describe(_ event: ReplyEvent) -> String {
    switch event {
    case .text(let text): return "text: \(text)"
    case .toolCallStart(let index, _, let name): return "tool \(index): \(name)"
    case .toolCallArguments(let index, let fragment): return "arguments \(index): \(fragment)"
    case .finish(let reason): return "finish: \(describe(reason))"
    case .usage(let usage): return "usage: \(usage.promptTokens)+\(usage.completionTokens)"
    case .error(let error): return "error: \(error.message)"
    case .embedding(let index, let vector): return "embedding \(index): \(vector.count)"
    case .reasoning(let text): return "reasoning: \(text)"
    case .redactedReasoning(let data): return "redacted reasoning: \(data.count) characters"
    @unknown default: return "unknown event"
    }
}

func describe(_ reason: FinishReason) -> String {
    switch reason {
    case .stop: return "stop"
    case .length: return "length"
    case .toolCalls: return "tool_calls"
    case .contentFilter: return "content_filter"
    @unknown default: return "unknown finish"
    }
}

func describe(_ method: HTTPMethodName) -> String {
    switch method {
    case .get, .post, .put, .patch, .delete: return method.rawValue
    @unknown default: return "unknown method"
    }
}

func describe(_ answerer: ProviderRoute.Answerer) -> String {
    switch answerer {
    case .fixtures: return "fixtures"
    case .provider: return "provider"
    @unknown default: return "unknown answerer"
    }
}

func describe(_ transport: ProviderRoute.Transport) -> String {
    switch transport {
    case .http: return "http"
    case .sse: return "sse"
    case .websocket: return "websocket"
    @unknown default: return "unknown transport"
    }
}

func describe(_ framing: WebSocketFraming) -> String {
    switch framing {
    case .events(let requestType): return "events \(requestType)"
    case .envelope(let prefix): return "envelope \(prefix)"
    @unknown default: return "unknown framing"
    }
}

func describe(_ role: Message.Role) -> String {
    switch role {
    case .system, .developer, .user, .assistant, .tool: return role.rawValue
    @unknown default: return "unknown role"
    }
}

func describe(_ part: ContentPart) -> String {
    switch part {
    case .text: return "text part"
    case .image: return "image part"
    case .other(let type, _): return "\(type) part"
    @unknown default: return "unknown part"
    }
}

func describe(_ choice: ToolChoice) -> String {
    switch choice {
    case .none: return "tools none"
    case .auto: return "tools auto"
    case .required: return "tools required"
    case .function(let name): return "tool \(name)"
    @unknown default: return "unknown tool choice"
    }
}

func describe(_ format: ResponseFormat) -> String {
    switch format {
    case .text: return "text format"
    case .jsonObject: return "json object"
    case .jsonSchema(let name, _): return "schema \(name)"
    @unknown default: return "unknown format"
    }
}

func describe(_ kind: ReplyKind) -> String {
    switch kind {
    case .message: return "message"
    case .embeddings(let dimensions): return "embeddings \(dimensions)"
    @unknown default: return "unknown kind"
    }
}

func describe(_ level: PluginLogger.Level) -> String {
    switch level {
    case .debug: return "debug"
    case .info: return "info"
    case .warning: return "warning"
    case .error: return "error"
    @unknown default: return "unknown level"
    }
}

/// JSON has six kinds of values for ever: this switch is exhaustive and needs no default.
func describe(_ value: JSONValue) -> String {
    switch value {
    case .null: return "null"
    case .bool: return "bool"
    case .integer: return "integer"
    case .number: return "number"
    case .string: return "string"
    case .array: return "array"
    case .object: return "object"
    }
}
