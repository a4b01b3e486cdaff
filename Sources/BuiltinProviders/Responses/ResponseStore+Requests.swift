import LyrebirdPluginAPI

extension ResponseStore {
    /// Keeps a finished response, `body` being the Response the client received, with
    /// everything its request gave as input: the conversation of the previous response it named,
    /// then its own input items.
    func keep(_ body: [UInt8], id: String, output: [ResponseItem], for request: CanonicalRequest) {
        var input: [ResponseItem] = []
        if let previousID = request.body["previous_response_id"]?.stringValue, let previous = response(previousID) {
            input = previous.conversation
        }
        // Decoding accepted this input already (and built the canonical messages from it); the
        // items are built again only for responses that are kept, each with the id it is listed by.
        input += (try? ResponsesInputDecoder.decode(request.body["input"])) ?? []
        insert(StoredResponse(body: body, input: input, output: output), id: id)
    }
}
