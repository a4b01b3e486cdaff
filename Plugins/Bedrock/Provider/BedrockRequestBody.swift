import LyrebirdPluginAPI

/// The body of a Bedrock request as a JSON object, or a `ValidationException` saying why not.
enum BedrockRequestBody {
    static func object(_ bytes: [UInt8]) throws(ReplyError) -> BedrockObject {
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            throw BedrockErrors.validation(
                "Malformed input request: \(error.message), please reformat your input and try again.", path: nil)
        }
        guard case .object(let members) = value else {
            throw BedrockErrors.validation(
                "Malformed input request: expected a JSON object, but got \(value.typeName), please reformat your input and try again.",
                path: nil)
        }
        return BedrockObject(members)
    }
}
