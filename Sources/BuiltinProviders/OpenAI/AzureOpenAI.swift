import LyrebirdPluginAPI

/// Azure OpenAI's paths for the same operations: a deployment's
/// (`/openai/deployments/{deployment}/chat/completions?api-version=...`), where the deployment
/// name stands in for the model, and the v1 API's (`/openai/v1/chat/completions`), which takes a
/// model as OpenAI's does. The `openai` package's `AzureOpenAI` client sends its key as
/// `api-key`; the host takes any key, as it does OpenAI's.
enum AzureOpenAI {
    /// The path parameter a deployment's routes name.
    static let deploymentParameter = "deployment"

    /// `route` again at Azure's paths for it: `suffix` is the part after `/v1` on OpenAI's
    /// (`/chat/completions`). `deployments` adds the per-deployment path, which the v1 API and
    /// the routes that answer stored objects do not have.
    static func routes(like route: ProviderRoute, suffix: String, deployments: Bool) -> [ProviderRoute] {
        var paths = ["/openai/v1" + suffix]
        if deployments { paths.append("/openai/deployments/{\(deploymentParameter)}" + suffix) }
        return paths.map { path in
            var copy = route
            copy.path = path
            return copy
        }
    }

    /// The model a request asks for: its deployment on a deployment's path (where the body
    /// needs no `model`), else the body's `model`.
    static func model(of request: WireRequest, fields: RequestFields) throws(ReplyError) -> String {
        if let deployment = request.pathParameters[deploymentParameter] {
            // A body's own `model` must still be a string, but the deployment decides.
            _ = try fields.string("model")
            return deployment
        }
        return try fields.requiredString("model")
    }
}
