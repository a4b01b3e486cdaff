import LyrebirdAnthropicProvider
import LyrebirdPluginAPI

/// AWS Bedrock Runtime: `Converse` and `ConverseStream`, and `InvokeModel` and
/// `InvokeModelWithResponseStream` with Anthropic Messages bodies, under
/// `/model/{modelId}/...`, as `boto3.client("bedrock-runtime")` and the other AWS SDKs call them.
///
/// The `modelId` (a model id, an inference profile id or an ARN, which clients percent-encode
/// into one path segment) is the canonical model. Streams use AWS's binary event-stream framing.
/// Errors carry the exception's name in `x-amzn-ErrorType`. SigV4 `Authorization` headers are
/// accepted and not checked.
public struct BedrockProvider: Provider {
    static let converse = "Converse"
    static let converseStream = "ConverseStream"
    static let invoke = "InvokeModel"
    static let invokeStream = "InvokeModelWithResponseStream"
    /// The longest model id Bedrock takes.
    static let maximumModelIDLength = 2048

    public let name = "aws.bedrock"
    public let routes = [
        ProviderRoute(method: .post, path: "/model/{modelId}/converse", operation: converse, transports: [.http]),
        ProviderRoute(method: .post, path: "/model/{modelId}/converse-stream", operation: converseStream, transports: [.sse]),
        ProviderRoute(method: .post, path: "/model/{modelId}/invoke", operation: invoke, transports: [.http]),
        ProviderRoute(method: .post, path: "/model/{modelId}/invoke-with-response-stream", operation: invokeStream, transports: [.sse]),
    ]

    public init() {}

    public func decode(_ request: WireRequest, route: ProviderRoute) throws(ReplyError) -> CanonicalRequest {
        let model = try Self.model(of: request, route: route)
        switch route.operation {
        case Self.invoke, Self.invokeStream:
            return try BedrockInvokeDecoder.decode(
                request, model: model, operation: route.operation, stream: route.operation == Self.invokeStream)
        default:
            return try BedrockConverseDecoder.decode(
                request, model: model, operation: route.operation, stream: route.operation == Self.converseStream)
        }
    }

    public func encode(_ reply: CompletedReply, for request: CanonicalRequest, context: ReplyContext) -> WireResponse {
        if request.operation == Self.invoke {
            return BedrockInvokeWriter.response(reply, thinking: AnthropicThinking(request), context: context)
        }
        return WireResponse(
            status: 200, headers: [Header(name: "x-amzn-RequestId", value: context.requestID)],
            body: BedrockConverseWriter.response(reply, reasoning: BedrockReasoning.display(for: request), context: context))
    }

    public func makeStreamEncoder(for request: CanonicalRequest, context: ReplyContext) -> any StreamEncoder {
        if request.operation == Self.invokeStream {
            return BedrockInvokeStreamEncoder(context: context, thinking: AnthropicThinking(request))
        }
        return BedrockConverseStreamEncoder(context: context, reasoning: BedrockReasoning.display(for: request))
    }

    public func encode(_ error: ReplyError, for request: CanonicalRequest?, context: ReplyContext) -> WireResponse {
        BedrockErrors.response(for: error, requestID: context.requestID)
    }

    /// The `{modelId}` of the path, which the host hands over percent-decoded.
    private static func model(of request: WireRequest, route: ProviderRoute) throws(ReplyError) -> String {
        guard let model = request.pathParameters["modelId"] else {
            throw ReplyError(
                status: 500, message: "The host did not pass the {modelId} path parameter of \(route.method.rawValue) \(route.path).",
                type: "server_error")
        }
        guard model.utf8.count <= maximumModelIDLength else {
            throw BedrockErrors.constraint(
                "modelId", value: .string(model), "Member must have length less than or equal to \(maximumModelIDLength)")
        }
        return model
    }
}
