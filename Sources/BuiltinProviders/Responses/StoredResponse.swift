/// A response kept for `GET /v1/responses/{id}`, `input_items` and `previous_response_id`.
struct StoredResponse: Sendable {
    /// The Response object exactly as the client received it.
    let body: [UInt8]
    /// Everything the model saw as input, oldest first: the conversation of the previous
    /// response (when the request named one), then the request's own input items.
    let input: [ResponseItem]
    /// The output items of the reply.
    let output: [ResponseItem]
    /// About what the response holds in memory. A conversation shared with the previous
    /// response is counted again, so the figure is an upper bound.
    let bytes: Int

    init(body: [UInt8], input: [ResponseItem], output: [ResponseItem]) {
        self.body = body
        self.input = input
        self.output = output
        bytes = body.count + input.reduce(0) { $0 + $1.approximateBytes } + output.reduce(0) { $0 + $1.approximateBytes }
    }

    /// What a request continuing from this response has before its own input.
    var conversation: [ResponseItem] { input + output }
}
