/// A response kept for `GET /v1/responses/{id}`, `input_items` and `previous_response_id`.
struct StoredResponse: Sendable {
    /// The Response object exactly as the client received it.
    let body: [UInt8]
    /// Everything the model saw as input, oldest first: the conversation of the previous
    /// response (when the request named one), then the request's own input items.
    let input: [ResponseItem]
    /// The output items of the reply.
    let output: [ResponseItem]

    /// What a request continuing from this response has before its own input.
    var conversation: [ResponseItem] { input + output }
}
