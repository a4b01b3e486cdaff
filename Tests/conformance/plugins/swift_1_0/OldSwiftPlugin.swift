// A Swift plugin written against the plugin API of ABI 1.0 (Sources/PluginAPI/Swift as it was
// before stream encoders had headers), kept here as it was: the Swift API must keep compiling
// it, and later hosts must keep loading it (test_plugins.py serves it). Never edit this file;
// add a folder for a later version instead.
//
// POST /old-swift/chat takes {"model": "...", "prompt": "...", "stream": true|false}. Whole
// replies are {"id", "model", "text", "finish_reason", "usage"}; streams are plain text lines,
// "text: ..." per piece of text, then "finish: REASON" and "usage: PROMPT+COMPLETION". Errors are
// {"problem": MESSAGE, "field": PARAM}. The responder "old-swift-shout" answers with the last
// user message in capitals.

import LyrebirdPluginAPI

@_cdecl("lyrebird_plugin_entry")
public func lyrebirdPluginEntry(host: UnsafeRawPointer?, info: UnsafeMutableRawPointer?) -> Int32 {
    LyrebirdPlugin.entry(host: host, info: info, name: "old-swift", version: "1.0.0") { setup in
        try setup.add(OldSwiftProvider())
        try setup.add(OldSwiftShout())
    }
}

struct OldSwiftProvider: Provider {
    let name = "old-swift"
    let routes = [ProviderRoute(method: .post, path: "/old-swift/chat", operation: "old-swift.chat")]

    func decode(_ request: WireRequest, route: ProviderRoute) throws(ReplyError) -> CanonicalRequest {
        let fields = try RequestFields(parsing: request.body)
        return CanonicalRequest(
            operation: route.operation, model: try fields.requiredString("model"),
            messages: [Message(role: .user, text: try fields.requiredString("prompt"))], stream: try fields.bool("stream") ?? false,
            includeUsage: true, body: fields.body, headers: request.headers)
    }

    func encode(_ reply: CompletedReply, for request: CanonicalRequest, context: ReplyContext) -> WireResponse {
        let choice = reply.choices.first ?? CompletedReply.Choice(index: 0)
        var writer = JSONWriter()
        writer.object { writer in
            writer.member("id", "old_\(context.idSuffix)")
            writer.member("model", context.model)
            writer.member("text", choice.text)
            writer.member("finish_reason", choice.finishReason.rawValue)
            writer.member(
                "usage",
                object: { writer in
                    writer.member("prompt", reply.usage.promptTokens)
                    writer.member("completion", reply.usage.completionTokens)
                })
        }
        return WireResponse(status: 200, body: writer.bytes)
    }

    func encode(_ error: ReplyError, for request: CanonicalRequest?, context: ReplyContext) -> WireResponse {
        var writer = JSONWriter()
        writer.object { writer in
            writer.member("problem", error.message)
            writer.member("field", error.param)
        }
        return WireResponse(status: error.status, body: writer.bytes)
    }

    func makeStreamEncoder(for request: CanonicalRequest, context: ReplyContext) -> any StreamEncoder {
        OldSwiftLines()
    }
}

struct OldSwiftLines: StreamEncoder {
    let contentType = "text/plain"

    mutating func start() -> [UInt8] { [] }

    mutating func encode(_ event: ReplyEvent, choice: Int) -> [UInt8] {
        switch event {
        case .text(let text): return Array("text: \(text)\n".utf8)
        case .finish(let reason): return Array("finish: \(reason.rawValue)\n".utf8)
        case .usage(let usage): return Array("usage: \(usage.promptTokens)+\(usage.completionTokens)\n".utf8)
        case .error(let error): return Array("error: \(error.message)\n".utf8)
        default: return []
        }
    }

    mutating func finish() -> [UInt8] { Array("end\n".utf8) }
}

struct OldSwiftShout: Responder {
    let name = "old-swift-shout"

    func respond(to request: CanonicalRequest, parameters: JSONValue, into sink: any ReplySink) async throws {
        await sink.emit(.text(request.lastUserText.uppercased()))
    }
}
