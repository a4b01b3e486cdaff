import Logging
import LyrebirdPluginAPI
import LyrebirdStructuredOutput

/// Gives replies the shape a request's response format (`json_object`, `json_schema`) asks for.
///
/// A fixed reply without text and without tool calls, or the default reply, becomes a generated
/// document: one the request's schema accepts, made by `JSONSchemaGenerator` with a seed from the
/// schema and the last user message, or `{"message": <default reply>}` for `json_object`. A
/// fixed reply with text (a fixture's `content`, `mock_response`) is sent as it is, and what is
/// wrong with it is reported: in the request's journal entry, and in the log once for each text
/// and schema while the check is remembered.
///
/// Replies from responders (Lua scripts, plugins) are not checked: their text arrives in pieces
/// while it is being sent, and the script that writes it is the place to get it right.
final class StructuredOutput: Sendable {
    /// What a request's reply source becomes.
    struct Shaped {
        let source: ReplySource
        /// What is wrong with the reply text, for the journal.
        let warnings: [String]
    }

    /// A generated reply, kept for requests with the same schema, user message and fixture.
    private struct Generated: Sendable {
        let reply: PreparedReply
        let warnings: [String]
    }

    private struct GenerationKey: Hashable, Sendable {
        let requirement: ReplyRequirement
        let userText: String
        /// The fixed reply without its text: its finish reason and usage stay.
        let template: StaticReply
    }

    private struct CheckKey: Hashable, Sendable {
        let requirement: ReplyRequirement
        let text: String
    }

    private let defaultReply: PreparedReply
    private let defaultText: String
    private let streamChunkCharacters: Int
    private let limits: StructuredOutputLimits
    private let generated = BoundedCache<GenerationKey, Result<Generated, ReplyError>>(capacity: 256, weightLimit: 8 << 20)
    private let checked = BoundedCache<CheckKey, [String]>(capacity: 1024, weightLimit: 8 << 20)
    private let logger: Logger

    init(
        defaultReply: PreparedReply, defaultText: String, streamChunkCharacters: Int, logger: Logger,
        limits: StructuredOutputLimits = .standard
    ) {
        self.logger = logger
        self.defaultReply = defaultReply
        self.defaultText = defaultText
        self.streamChunkCharacters = streamChunkCharacters
        self.limits = limits
    }

    /// The reply `source` (named `name` in the journal) in the shape `request` asks for.
    func shape(_ source: ReplySource, from name: String, for request: CanonicalRequest) -> Shaped {
        guard request.replyKind == .message, case .prepared(let prepared) = source,
            let requirement = ReplyRequirement(request.responseFormat)
        else { return Shaped(source: source, warnings: []) }
        let isDefault = prepared === defaultReply
        var template = prepared.reply
        if !isDefault, let text = template.content, !text.isEmpty {
            return Shaped(source: source, warnings: check(text, against: requirement, from: name))
        }
        guard template.toolCalls.isEmpty else { return Shaped(source: source, warnings: []) }
        template.content = nil
        switch generate(requirement, template: template, userText: request.lastUserText, from: name) {
        case .success(let generated): return Shaped(source: .prepared(generated.reply), warnings: generated.warnings)
        case .failure(let error): return Shaped(source: .error(error), warnings: [])
        }
    }

    private func check(_ text: String, against requirement: ReplyRequirement, from name: String) -> [String] {
        let key = CheckKey(requirement: requirement, text: text)
        if let known = checked[key] { return known }
        let warnings = requirement.problems(of: text, limits: limits)
        report(warnings, from: name)
        checked.insert(warnings, for: key, weight: text.utf8.count + requirement.weight)
        return warnings
    }

    private func generate(_ requirement: ReplyRequirement, template: StaticReply, userText: String, from name: String) -> Result<
        Generated, ReplyError
    > {
        // A json_object reply does not depend on the prompt.
        let key = GenerationKey(requirement: requirement, userText: requirement == .jsonObject ? "" : userText, template: template)
        if let known = generated[key] { return known }
        let result: Result<Generated, ReplyError>
        var weight = key.userText.utf8.count + requirement.weight
        switch requirement {
        case .jsonObject:
            let document: JSONValue = ["message": .string(defaultText)]
            result = .success(Generated(reply: prepared(document.serialized, template), warnings: []))
        case .schema(let schemaName, let schema):
            var generator = JSONSchemaGenerator(schema: schema, seed: Self.seed(schema: schema, userText: userText), limits: limits)
            do {
                let (document, problems) = try generator.generate()
                let warnings = problems.map { "the generated document does not match the schema \(schemaName.debugDescription) at \($0)" }
                report(warnings, from: name)
                let text = document.serialized
                // A prepared reply holds the text twice: whole and cut into stream pieces.
                weight += 2 * text.utf8.count
                result = .success(Generated(reply: prepared(text, template), warnings: warnings))
            } catch {
                result = .failure(error.replyError(schemaName: schemaName))
            }
        }
        generated.insert(result, for: key, weight: weight)
        return result
    }

    private func prepared(_ text: String, _ template: StaticReply) -> PreparedReply {
        var reply = template
        reply.content = text
        return PreparedReply(reply, streamChunkCharacters: streamChunkCharacters)
    }

    private func report(_ warnings: [String], from name: String) {
        guard !warnings.isEmpty else { return }
        logger.warning("reply from \(name.debugDescription): \(warnings.joined(separator: "; "))")
    }

    /// The generator's seed: the same schema and last user message give the same document, and
    /// another message another one.
    private static func seed(schema: JSONValue, userText: String) -> UInt64 {
        SeededRandom.hash(schema.serialized) ^ SeededRandom.hash(userText) &* SeededRandom.increment
    }
}
