import LyrebirdPluginAPI

/// Reads a legacy completions request body into the canonical model, naming the parameter at
/// fault for anything missing or mistyped.
///
/// Each prompt becomes one user message, so fixtures' `user` condition sees the last prompt.
/// The pipeline makes one reply and copies it for every choice: `choiceCount` is prompts × `n`,
/// and choice `i` completes prompt `i / n`.
enum CompletionsRequestDecoder {
    /// The most choices one request may ask for, prompts × `n` (the real API's limit on `n`).
    static let maximumChoices = 128

    static func decode(_ request: WireRequest, operation: String) throws(ReplyError) -> CanonicalRequest {
        let fields = try RequestFields(parsing: request.body)
        let model = try AzureOpenAI.model(of: request, fields: fields)
        guard let prompt = fields["prompt"] else { throw RequestFields.missing("prompt") }
        let prompts = try TextInputs.decode(prompt, param: "prompt", allowsEmptyText: true, maximumCount: maximumChoices)

        let samples = try fields.integer("n", in: 1...maximumChoices) ?? 1
        guard prompts.count * samples <= maximumChoices else {
            throw ReplyError.invalidParameter(
                "n",
                "Invalid 'n': \(prompts.count) prompts with n = \(samples) ask for \(prompts.count * samples) choices; a request may ask for at most \(maximumChoices).",
                code: "invalid_value")
        }
        if let bestOf = try fields.integer("best_of", in: 1...20), bestOf < samples {
            throw ReplyError.invalidParameter("best_of", "best_of must be greater than or equal to n.", code: "invalid_value")
        }

        let streaming = try StreamRequest(fields)
        let stream = streaming.stream
        let includeUsage = streaming.includeUsage

        let stop = try fields.stringList("stop")
        guard stop.count <= 4 else {
            throw ReplyError.invalidParameter(
                "stop",
                "Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length \(stop.count) instead.",
                code: "array_above_max_length")
        }
        // Read for their errors only: echo and logprobs shape the reply, which the provider
        // reads back from the body; the others a mock has no use for.
        _ = try fields.bool("echo")
        _ = try fields.integer("logprobs", in: 0...5)
        _ = try fields.string("suffix")
        _ = try fields.object("logit_bias")
        _ = try fields.number("frequency_penalty", in: -2...2)
        _ = try fields.number("presence_penalty", in: -2...2)

        return CanonicalRequest(
            operation: operation,
            model: model,
            messages: prompts.map { Message(role: .user, text: $0) },
            sampling: SamplingParameters(
                temperature: try fields.number("temperature", in: 0...2),
                topP: try fields.number("top_p", in: 0...1),
                maxTokens: try fields.integer("max_tokens", in: 0...Int(Int32.max)),
                stop: stop,
                seed: try fields.integer("seed", in: Int.min...Int.max)
            ),
            choiceCount: prompts.count * samples,
            stream: stream,
            includeUsage: includeUsage,
            mockResponse: try fields.string("mock_response"),
            user: try fields.string("user"),
            body: fields.body,
            headers: request.headers
        )
    }
}
