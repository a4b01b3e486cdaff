import LyrebirdPluginAPI

/// The Responses stream events of one reply, in the API's order: `response.created` and
/// `response.in_progress`; for each output item `response.output_item.added`, its content part
/// and deltas, their `done` events and `response.output_item.done`; then `response.completed`
/// (or `response.incomplete`) carrying the whole Response. Every event has a `sequence_number`
/// from 0.
///
/// It knows nothing of framing: `emit` receives each event's type and a function that appends
/// its JSON object, so that Server-Sent Events write `event:` and `data:` lines around it and a
/// WebSocket transport can send each event as one text frame.
///
/// Output items follow one another as in the real API: an item is announced before its deltas,
/// and finished when the next item begins or the reply ends. Text after a tool call begins a new
/// message item.
struct ResponsesEventStream: Sendable {
    /// Receives one event: its type, and a function that appends its JSON object to a buffer.
    typealias Emit = (_ type: String, _ payload: (inout [UInt8]) -> Void) -> Void

    /// A finished reply: the Response that `response.completed` carried, and its output items.
    struct Ending: Sendable {
        let body: [UInt8]
        let output: [ResponseItem]
    }

    /// The item being written.
    private struct OpenItem: Sendable {
        enum Kind: Sendable {
            case message
            case functionCall(callIndex: Int, callID: String, name: String)
            /// The reply's reasoning; `summarize` when its summary goes out.
            case reasoning(summarize: Bool)

            var isMessage: Bool {
                if case .message = self { return true }
                return false
            }
        }

        let kind: Kind
        let id: String
        let outputIndex: Int
        /// The text so far, or the arguments so far.
        var text = ""
        /// Tokens of the text sent with log probabilities so far.
        var tokensSent = 0
        /// The members of its delta events up to the delta itself, written when it opens.
        let deltaMembers: [UInt8]

        func item(_ status: ResponseItem.Status) -> ResponseItem {
            switch kind {
            case .message:
                // An item being announced has no content part yet.
                let content: [ResponseContentPart] = status == .inProgress ? [] : [.outputText(text)]
                return .message(id: id, role: .assistant, status: status, content: content)
            case .functionCall(_, let callID, let name):
                return .functionCall(id: id, callID: callID, name: name, arguments: text, status: status)
            case .reasoning(let summarize):
                let summary = summarize && status != .inProgress && !text.isEmpty ? [text] : []
                return .reasoning(id: id, summary: summary, status: status)
            }
        }
    }

    let envelope: ResponseEnvelope
    /// Prompt tokens as the host counted them, for a reply that ends without reporting usage.
    private let promptTokens: Int
    private var sequenceNumber = 0
    /// The finished output items, in output order.
    private var output: [ResponseItem] = []
    private var open: OpenItem?
    /// The output index of each tool call, by the call's index in the reply.
    private var callOutputIndexes: [Int: Int] = [:]
    private var finishReason: FinishReason?
    private var usage: Usage?
    private var volume = LogprobsVolume()
    /// Whether a terminal event (`response.completed`, `response.failed`, `error`...) has gone out.
    private(set) var isOver = false

    init(envelope: ResponseEnvelope, promptTokens: Int) {
        self.envelope = envelope
        self.promptTokens = promptTokens
    }

    /// `response.created` and `response.in_progress`.
    mutating func start(_ emit: Emit) {
        let response = envelope.bytes(.inProgress, output: [])
        emitResponse("response.created", response, emit)
        emitResponse("response.in_progress", response, emit)
    }

    /// The events one reply event becomes.
    mutating func encode(_ event: ReplyEvent, _ emit: Emit) {
        guard !isOver else { return }
        switch event {
        case .text(let text):
            if let top = envelope.logprobs, !volume.admit(text[...], top: top) {
                fail(LogprobsVolume.exceeded, emit)
                return
            }
            if open?.kind.isMessage != true { openMessage(emit) }
            open!.text += text
            emitDelta("response.output_text.delta", open!.deltaMembers, text, extra: deltaLogprobs(text), emit)
        case .toolCallStart(let index, let id, let name):
            openFunctionCall(callIndex: index, callID: id, name: name, emit)
        case .toolCallArguments(let index, let fragment):
            appendArguments(fragment, callIndex: index, emit)
        case .finish(let reason):
            finishReason = reason
            closeLastItem(emit)
        case .usage(let reported):
            usage = reported
        case .error(let error):
            fail(error, emit)
        case .reasoning(let text):
            openReasoning(emit)
            open!.text += text
            if case .reasoning(summarize: true) = open!.kind {
                emitDelta("response.reasoning_summary_text.delta", open!.deltaMembers, text, extra: [], emit)
            }
        case .redactedReasoning:
            // The Responses API shows redacted reasoning as a reasoning item with no summary.
            openReasoning(emit)
        case .embedding:
            return
        }
    }

    /// `response.completed`, or `response.incomplete` when the reply stopped early; `nil` when
    /// the stream already ended with a failure.
    mutating func finish(_ emit: Emit) -> Ending? {
        guard !isOver else { return nil }
        closeLastItem(emit)
        isOver = true
        let phase = ResponseEnvelope.finished(
            finishReason ?? .stop, usage: usage ?? Usage(promptTokens: promptTokens, completionTokens: 0))
        let body = envelope.bytes(phase, output: output)
        if case .incomplete = phase {
            emitResponse("response.incomplete", body, emit)
        } else {
            emitResponse("response.completed", body, emit)
        }
        return Ending(body: body, output: output)
    }

    // MARK: Items

    private mutating func openMessage(_ emit: Emit) {
        close(.completed, emit)
        let item = begin(.message, id: ResponseIDs.make("msg_"), emit)
        emitEvent("response.content_part.added", emit) { writer in
            Self.writeItemPosition(item, contentIndex: true, into: &writer)
            writer.key("part")
            ResponseContentPart.writeOutputText("", into: &writer)
        }
    }

    /// Opens the reply's reasoning item, unless it is the open one.
    private mutating func openReasoning(_ emit: Emit) {
        if case .reasoning = open?.kind { return }
        close(.completed, emit)
        let summarize = envelope.summarizesReasoning
        let item = begin(.reasoning(summarize: summarize), id: ResponseIDs.make("rs_"), emit)
        guard summarize else { return }
        emitEvent("response.reasoning_summary_part.added", emit) { writer in
            Self.writeItemPosition(item, contentIndex: false, into: &writer)
            writer.member("summary_index", 0)
            writer.key("part")
            ResponseItem.writeSummaryPart("", into: &writer)
        }
    }

    private mutating func openFunctionCall(callIndex: Int, callID: String, name: String, _ emit: Emit) {
        close(.completed, emit)
        callOutputIndexes[callIndex] = output.count
        begin(.functionCall(callIndex: callIndex, callID: callID, name: name), id: ResponseIDs.make("fc_"), emit)
    }

    /// Opens an item at the next output index and announces it.
    @discardableResult
    private mutating func begin(_ kind: OpenItem.Kind, id: String, _ emit: Emit) -> OpenItem {
        let outputIndex = output.count
        let members = Self.deltaMembers(id: id, outputIndex: outputIndex, kind: kind)
        let item = OpenItem(kind: kind, id: id, outputIndex: outputIndex, deltaMembers: members)
        open = item
        emitEvent("response.output_item.added", emit) { writer in
            writer.member("output_index", outputIndex)
            writer.key("item")
            item.item(.inProgress).write(into: &writer)
        }
        return item
    }

    private mutating func appendArguments(_ fragment: String, callIndex: Int, _ emit: Emit) {
        if case .functionCall(callIndex, _, _)? = open?.kind {
            open!.text += fragment
            emitDelta("response.function_call_arguments.delta", open!.deltaMembers, fragment, extra: [], emit)
            return
        }
        // A fragment for a call whose item has finished (a responder interleaving its calls):
        // its delta still reaches the client, and the final Response has the whole arguments.
        guard let outputIndex = callOutputIndexes[callIndex],
            case .functionCall(let id, let callID, let name, let arguments, let status) = output[outputIndex]
        else { return }
        output[outputIndex] = .functionCall(id: id, callID: callID, name: name, arguments: arguments + fragment, status: status)
        let members = Self.deltaMembers(
            id: id, outputIndex: outputIndex, kind: .functionCall(callIndex: callIndex, callID: callID, name: name))
        emitDelta("response.function_call_arguments.delta", members, fragment, extra: [], emit)
    }

    /// Finishes the open item with the status the reply ended with; a reply that wrote nothing
    /// but (perhaps) its reasoning still gets its (empty) message, as a whole reply does.
    private mutating func closeLastItem(_ emit: Emit) {
        let answered = output.contains { item in
            if case .reasoning = item { return false }
            return true
        }
        if case .reasoning = open?.kind { openMessage(emit) } else if open == nil && !answered { openMessage(emit) }
        close(ResponseItem.status(endingWith: finishReason ?? .stop), emit)
    }

    /// Finishes the open item, if any: its `done` events, then `response.output_item.done`.
    private mutating func close(_ status: ResponseItem.Status, _ emit: Emit) {
        guard let item = open else { return }
        open = nil
        let finished = item.item(status)
        let logprobs = envelope.logprobs
        switch item.kind {
        case .message:
            emitEvent("response.output_text.done", emit) { writer in
                Self.writeItemPosition(item, contentIndex: true, into: &writer)
                writer.member("text", item.text)
                writer.key("logprobs")
                ResponseContentPart.writeLogprobs(of: item.text, top: logprobs, into: &writer)
            }
            emitEvent("response.content_part.done", emit) { writer in
                Self.writeItemPosition(item, contentIndex: true, into: &writer)
                writer.key("part")
                ResponseContentPart.writeOutputText(item.text, logprobs: logprobs, into: &writer)
            }
        case .functionCall(_, _, let name):
            emitEvent("response.function_call_arguments.done", emit) { writer in
                Self.writeItemPosition(item, contentIndex: false, into: &writer)
                writer.member("name", name)
                writer.member("arguments", item.text)
            }
        case .reasoning(let summarize):
            guard summarize else { break }
            emitEvent("response.reasoning_summary_text.done", emit) { writer in
                Self.writeItemPosition(item, contentIndex: false, into: &writer)
                writer.member("summary_index", 0)
                writer.member("text", item.text)
            }
            emitEvent("response.reasoning_summary_part.done", emit) { writer in
                Self.writeItemPosition(item, contentIndex: false, into: &writer)
                writer.member("summary_index", 0)
                writer.key("part")
                ResponseItem.writeSummaryPart(item.text, into: &writer)
            }
        }
        emitEvent("response.output_item.done", emit) { writer in
            writer.member("output_index", item.outputIndex)
            writer.key("item")
            finished.write(into: &writer, logprobs: logprobs)
        }
        output.append(finished)
    }

    // MARK: Failure

    /// A server error is the model failing: `response.failed` with the output so far. Any other
    /// error (a rate limit, a refused request) is an `error` event carrying the error both
    /// nested, which makes the SDKs raise, and flat, as the API reference documents it.
    private mutating func fail(_ error: ReplyError, _ emit: Emit) {
        isOver = true
        if error.status >= 500 {
            var items = output
            if let open { items.append(open.item(.incomplete)) }
            emitResponse("response.failed", envelope.bytes(.failed(error), output: items), emit)
            return
        }
        emitEvent("error", emit) { writer in
            writer.member("code", error.code)
            writer.member("message", error.message)
            writer.member("param", error.param)
            writer.member(
                "error",
                object: { writer in
                    writer.member("type", error.type)
                    writer.member("code", error.code)
                    writer.member("message", error.message)
                    writer.member("param", error.param)
                })
        }
    }

    // MARK: Writing

    private static let logprobsMember = Array(#","logprobs":[]"#.utf8)
    private static let logprobsKey = Array(#","logprobs":"#.utf8)

    /// The `logprobs` member of a text delta: the delta's tokens, numbered on from those sent
    /// before, when the request asked for them.
    private mutating func deltaLogprobs(_ text: String) -> [UInt8] {
        guard let top = envelope.logprobs else { return Self.logprobsMember }
        let tokens = TokenLogprobs.tokens(of: text[...], from: open!.tokensSent, top: top)
        open!.tokensSent += tokens.count
        var writer = JSONWriter(reservingCapacity: 128)
        TokenLogprobs.writeContent(tokens, into: &writer)
        return Self.logprobsKey + writer.bytes
    }
    private static let sequenceNumberKey = Array(#"","sequence_number":"#.utf8)
    private static let typeKey = Array(#"{"type":""#.utf8)

    /// `{"type":"<type>","sequence_number":N,` then `members`.
    private mutating func emitEvent(_ type: String, _ emit: Emit, members: (inout JSONWriter) -> Void) {
        var writer = JSONWriter(reservingCapacity: 256)
        writer.object { writer in
            writer.member("type", type)
            writer.member("sequence_number", nextSequenceNumber())
            members(&writer)
        }
        emit(type) { bytes in bytes += writer.bytes }
    }

    /// An event carrying a whole Response.
    private mutating func emitResponse(_ type: String, _ response: [UInt8], _ emit: Emit) {
        emitEvent(type, emit) { writer in
            writer.key("response")
            writer.raw(response)
        }
    }

    /// A delta event, written straight into the buffer: the hot path of a stream.
    private mutating func emitDelta(_ type: String, _ members: [UInt8], _ delta: String, extra: [UInt8], _ emit: Emit) {
        let number = nextSequenceNumber()
        emit(type) { bytes in
            bytes += Self.typeKey
            bytes += type.utf8
            bytes += Self.sequenceNumberKey
            JSONWriter.appendInteger(number, to: &bytes)
            bytes.append(UInt8(ascii: ","))
            bytes += members
            JSONWriter.appendString(delta, to: &bytes)
            bytes += extra
            bytes.append(UInt8(ascii: "}"))
        }
    }

    private mutating func nextSequenceNumber() -> Int {
        defer { sequenceNumber += 1 }
        return sequenceNumber
    }

    /// `"item_id":...,"output_index":N,` (`"content_index":0,` for text, `"summary_index":0,` for
    /// reasoning) `"delta":`: what every delta event of an item has between its sequence number
    /// and the delta itself.
    private static func deltaMembers(id: String, outputIndex: Int, kind: OpenItem.Kind) -> [UInt8] {
        var bytes = Array(#""item_id":"#.utf8)
        JSONWriter.appendString(id, to: &bytes)
        bytes += #","output_index":"#.utf8
        JSONWriter.appendInteger(outputIndex, to: &bytes)
        switch kind {
        case .message: bytes += #","content_index":0"#.utf8
        case .reasoning: bytes += #","summary_index":0"#.utf8
        case .functionCall: break
        }
        bytes += #","delta":"#.utf8
        return bytes
    }

    /// `item_id`, `output_index` and, for message parts, `content_index`.
    private static func writeItemPosition(_ item: OpenItem, contentIndex: Bool, into writer: inout JSONWriter) {
        writer.member("item_id", item.id)
        writer.member("output_index", item.outputIndex)
        if contentIndex { writer.member("content_index", 0) }
    }
}
