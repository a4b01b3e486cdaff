import FuzzSupport
import LyrebirdBuiltinProviders
import LyrebirdPluginAPI

/// The Responses decoder on any body, with a stored response to continue: every
/// `resp_previous` in the input becomes the id of a response the provider keeps (a
/// conversation with instructions, a tool call and its output), so `previous_response_id`
/// reaches a real conversation. A body the decoder accepts is then answered, whole and
/// streamed, and kept; its stored input items are listed, and a request continuing it must
/// decode.
let marker = Array("resp_previous".utf8)
let storedFirst = Array(
    #"""
    {"model": "gpt-4o", "instructions": "be brief", "input": [{"role": "user", "content": "weather in Paris?"},
     {"type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": "{\"city\": \"Paris\"}"},
     {"type": "function_call_output", "call_id": "call_1", "output": "sunny"}]}
    """#.utf8)
let reply = CompletedReply(
    choices: [
        CompletedReply.Choice(
            index: 0, text: "Sunny.", toolCalls: [ToolCall(id: "call_2", name: "get_time", arguments: #"{"tz": "CET"}"#)],
            finishReason: .toolCalls)
    ],
    usage: Usage(promptTokens: 3, completionTokens: 5))

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    // A provider per input, so that one input never changes the next.
    let provider = ResponsesProvider(storedResponseLimit: 4)
    let create = provider.routes.first { $0.operation == "responses" }!
    let first = try! provider.decode(DecoderCheck.request(create, body: storedFirst), route: create)
    let previous = keep(first, in: provider, streamed: false)
    let body = replacing(marker, with: Array(previous.utf8), in: inputBytes(data, size))
    guard let request = DecoderCheck.requireContract(provider, route: create, body: body) else { return 0 }
    let id = keep(request, in: provider, streamed: request.stream)
    guard request.body["store"]?.boolValue ?? true else { return 0 }
    // Kept: its input items are listed, and it can be continued.
    let items = provider.routes.first { $0.operation == "responses.input_items" }!
    let listing = blocking {
        await provider.answer(
            WireRequest(
                method: .get, path: "/v1/responses/\(id)/input_items", query: "order=asc&limit=100", pathParameters: ["response_id": id]),
            route: items, host: HostInfo(), context: FuzzContext.reply)
    }!
    require(listing.status == 200, "the input items of a kept response answered \(listing.status): \(excerpt(listing.body))")
    WireChecks.requireWellFormed(listing, request: body)
    let next = Array(#"{"model": "gpt-4o", "input": "and now?", "previous_response_id": "\#(id)"}"#.utf8)
    do {
        _ = try provider.decode(DecoderCheck.request(create, body: next), route: create)
    } catch {
        require(false, "a kept response cannot be continued (\(error.message)): \(excerpt(body))")
    }
    return 0
}

/// Answers `request` with `reply`, whole or streamed, checks the answer, and gives the id of
/// the response (kept unless the request said `"store": false`).
func keep(_ request: CanonicalRequest, in provider: ResponsesProvider, streamed: Bool) -> String {
    let response: WireResponse
    if streamed {
        var encoder = provider.makeStreamEncoder(for: request, context: FuzzContext.reply)
        var bytes = encoder.start()
        let events: [ReplyEvent] = [
            .text("Sun"), .text("ny."), .toolCallStart(index: 0, id: "call_2", name: "get_time"),
            .toolCallArguments(index: 0, fragment: #"{"tz": "#), .toolCallArguments(index: 0, fragment: #""CET"}"#),
            .finish(.toolCalls), .usage(Usage(promptTokens: 3, completionTokens: 5)),
        ]
        for event in events { bytes += encoder.encode(event, choice: 0) }
        bytes += encoder.finish()
        response = WireResponse(status: 200, contentType: encoder.contentType, body: bytes)
    } else {
        response = provider.encode(reply, for: request, context: FuzzContext.reply)
    }
    require(response.status == 200, "an accepted request answered \(response.status): \(excerpt(response.body))")
    WireChecks.requireWellFormed(response, request: Array(request.body.serialized.utf8))
    let marker = Array(#""id":"resp_"#.utf8)
    guard let start = firstRange(of: marker, in: response.body) else {
        require(false, "a response without an id: \(excerpt(response.body))")
        return ""
    }
    let idStart = start + marker.count - 5
    let idEnd = response.body[idStart...].firstIndex(of: UInt8(ascii: "\"")) ?? response.body.endIndex
    return String(decoding: response.body[idStart..<idEnd], as: UTF8.self)
}

func firstRange(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
    guard needle.count <= haystack.count else { return nil }
    return (0...(haystack.count - needle.count)).first { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
}

func replacing(_ needle: [UInt8], with replacement: [UInt8], in bytes: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var index = 0
    while index < bytes.count {
        if bytes.count - index >= needle.count, bytes[index..<(index + needle.count)].elementsEqual(needle) {
            out += replacement
            index += needle.count
        } else {
            out.append(bytes[index])
            index += 1
        }
    }
    return out
}

runFuzzer(testOneInput)
