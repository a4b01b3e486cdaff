import LyrebirdPluginAPI

/// Answers with the last user message in capitals, one word at a time.
struct MyPluginResponder: Responder {
    let name = "my-plugin"

    func respond(to request: CanonicalRequest, parameters: JSONValue, into sink: any ReplySink) async throws {
        let words = request.lastUserText.uppercased().split(separator: " ")
        guard !words.isEmpty else {
            // Sent in the shape of the wire format the client speaks.
            throw ReplyError(status: 400, message: "my-plugin needs a user message with words in it.", param: "messages")
        }
        let pause = parameters["pause_ms"]?.intValue ?? 0
        for (index, word) in words.enumerated() {
            if index > 0 { await sink.pause(milliseconds: pause) }
            // Once the client has gone away the task is cancelled: stop early.
            if Task.isCancelled { return }
            await sink.emit(.text(index == 0 ? String(word) : " " + word))
        }
        // The host adds the finish and the usage when a responder leaves them out.
    }
}
