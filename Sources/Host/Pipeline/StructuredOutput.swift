import Logging
import LyrebirdPluginAPI
import LyrebirdStructuredOutput

/// Gives replies the shape a request asks for: a call to the tool its tool choice forces, or a
/// document of its response format (`json_object`, `json_schema`).
///
/// A request that forces a tool (`tool_choice: "required"` or a named function, Anthropic's
/// `any` or `tool`, Gemini's `ANY`) always gets a call from a real model, and frameworks rely on
/// it for structured output. When nothing gives the reply's content or calls (the default reply,
/// or a fixture that only sets timing or usage), the reply becomes one call to the forced tool
/// (for `required`, the only tool, else the first) whose arguments are a document of the tool's
/// parameter schema. A reply that does give text or calls is sent as it is, with a journal
/// warning when it contradicts the forced choice.
///
/// A fixed reply without text and without tool calls, or the default reply, becomes a generated
/// document: one the request's schema accepts, made by `JSONSchemaGenerator` with a seed from the
/// schema and the last user message, or `{"message": <default reply>}` for `json_object`. A
/// fixed reply with text (a fixture's `content`, `mock_response`) is sent as it is, and what is
/// wrong with it is reported: in the request's journal entry, and in the log once for each text
/// and schema while the check is remembered.
///
/// A fixed reply's tool call without arguments gets a document of the declared tool's parameter
/// schema, seeded by the schema, the last user message and the call's place, so the same
/// request gets the same arguments; arguments the reply gives are checked against that schema,
/// and a mismatch is a journal warning.
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
        /// The tool whose arguments the document is, or `nil` for the reply text.
        let tool: String?
        let userText: String
        /// The fixed reply without its text: its finish reason and usage stay.
        let template: StaticReply
    }

    private struct CheckKey: Hashable, Sendable {
        let requirement: ReplyRequirement
        let text: String
        /// The tool whose arguments `text` is, or `nil` for the reply text.
        var tool: String? = nil
    }

    /// A fixed reply whose tool calls need arguments, for a request's tools and user message.
    private struct FillKey: Hashable, Sendable {
        let template: StaticReply
        /// The parameter schema of the tool of each call in `template`.
        let schemas: [JSONValue?]
        let userText: String
    }

    private let defaultReply: PreparedReply
    private let defaultText: String
    private let streamChunkCharacters: Int
    private let limits: StructuredOutputLimits
    private let generated = BoundedCache<GenerationKey, Result<Generated, ReplyError>>(capacity: 256, weightLimit: 8 << 20)
    private let checked = BoundedCache<CheckKey, [String]>(capacity: 1024, weightLimit: 8 << 20)
    private let filled = BoundedCache<FillKey, Result<Generated, ReplyError>>(capacity: 256, weightLimit: 8 << 20)
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
        guard request.replyKind == .message, case .prepared(let prepared) = source else { return Shaped(source: source, warnings: []) }
        let isDefault = prepared === defaultReply
        var source = source
        var template = prepared.reply
        let text = isDefault ? nil : template.content.flatMap { $0.isEmpty ? nil : $0 }
        var warnings: [String] = []
        if !template.toolCalls.isEmpty && request.tools.isEmpty {
            let names = template.toolCalls.map(\.name.debugDescription).joined(separator: ", ")
            warnings.append("the reply calls \(names), but the request declared no tools")
        }
        if !template.toolCalls.isEmpty {
            warnings += checkArguments(of: template, tools: request.tools, from: name)
        }
        if template.toolCalls.contains(where: \.argumentsAreGenerated) {
            switch fillArguments(of: template, for: request, from: name) {
            case .success(let generated):
                source = .prepared(generated.reply)
                template = generated.reply.reply
                warnings += generated.warnings
            case .failure(let error):
                return Shaped(source: .error(error), warnings: warnings)
            }
        }
        if let forced = Self.forcedTool(of: request) {
            if text != nil || !template.toolCalls.isEmpty {
                warnings += Self.contradictions(of: template, hasText: text != nil, forced: forced, choice: request.toolChoice)
                report(warnings, from: name)
                return Shaped(source: source, warnings: warnings)
            }
            template.content = nil
            let schema = forced.parameters ?? ["type": "object"]
            let requirement = ReplyRequirement.schema(name: forced.name, schema: schema)
            return shaped(
                generate(requirement, tool: forced.name, template: template, userText: request.lastUserText, from: name), warnings)
        }
        guard let requirement = ReplyRequirement(request.responseFormat) else { return Shaped(source: source, warnings: warnings) }
        if let text { return Shaped(source: source, warnings: warnings + check(text, against: requirement, from: name)) }
        guard template.toolCalls.isEmpty else { return Shaped(source: source, warnings: warnings) }
        template.content = nil
        return shaped(generate(requirement, tool: nil, template: template, userText: request.lastUserText, from: name), warnings)
    }

    private func shaped(_ result: Result<Generated, ReplyError>, _ warnings: [String]) -> Shaped {
        switch result {
        case .success(let generated): return Shaped(source: .prepared(generated.reply), warnings: warnings + generated.warnings)
        case .failure(let error): return Shaped(source: .error(error), warnings: warnings)
        }
    }

    /// The tool `request` forces a call to, if it forces one: the named function (declared or
    /// not), or for `required` the only tool, else the first.
    static func forcedTool(of request: CanonicalRequest) -> ToolDefinition? {
        switch request.toolChoice {
        case .function(let name): return request.tools.first { $0.name == name } ?? ToolDefinition(name: name)
        case .required: return request.tools.first
        default: return nil
        }
    }

    /// What in `reply` goes against the forced choice, as journal warnings.
    private static func contradictions(of reply: StaticReply, hasText: Bool, forced: ToolDefinition, choice: ToolChoice) -> [String] {
        let wanted = choice == .required ? "a tool call (tool_choice required)" : "a call to \(forced.name.debugDescription)"
        if reply.toolCalls.isEmpty {
            return ["the request forces \(wanted), but the reply is text without tool calls"]
        }
        guard case .function(let name) = choice, let other = reply.toolCalls.first(where: { $0.name != name }) else { return [] }
        return ["the request forces \(wanted), but the reply calls \(other.name.debugDescription)"]
    }

    /// What is wrong with the arguments `reply` gives its calls, against the parameter schemas of
    /// the tools they call.
    private func checkArguments(of reply: StaticReply, tools: [ToolDefinition], from name: String) -> [String] {
        var warnings: [String] = []
        for call in reply.toolCalls where !call.argumentsAreGenerated {
            guard let schema = tools.first(where: { $0.name == call.name })?.parameters else { continue }
            let key = CheckKey(requirement: .schema(name: call.name, schema: schema), text: call.arguments, tool: call.name)
            if let known = checked[key] {
                warnings += known
                continue
            }
            var found: [String]
            var validator = JSONSchemaValidator(schema: schema, limits: limits)
            do {
                let document = try JSONValue.parse(call.arguments)
                found = try validator.problems(of: document).map {
                    "the arguments of the call to \(call.name.debugDescription) do not match its parameters at \($0)"
                }
            } catch {
                found = ["the arguments of the call to \(call.name.debugDescription) could not be checked against its parameters: \(error)"]
            }
            report(found, from: name)
            checked.insert(found, for: key, weight: call.arguments.utf8.count + key.requirement.weight)
            warnings += found
        }
        return warnings
    }

    /// `reply` with arguments made for each call that has none: a document of the parameter
    /// schema of the tool the request declares by that name (any object when it declares no schema).
    private func fillArguments(of reply: StaticReply, for request: CanonicalRequest, from name: String) -> Result<Generated, ReplyError> {
        let schemas = reply.toolCalls.map { call in
            call.argumentsAreGenerated ? request.tools.first { $0.name == call.name }?.parameters : nil
        }
        let key = FillKey(template: reply, schemas: schemas, userText: request.lastUserText)
        if let known = filled[key] { return known }
        var filledReply = reply
        var warnings: [String] = []
        var weight = key.userText.utf8.count
        let result: Result<Generated, ReplyError>
        do {
            for (position, call) in reply.toolCalls.enumerated() where call.argumentsAreGenerated {
                let schema = schemas[position] ?? ["type": "object"]
                if !request.tools.contains(where: { $0.name == call.name }) && !request.tools.isEmpty {
                    warnings.append(
                        "the reply calls \(call.name.debugDescription), which the request does not declare; its arguments follow no schema")
                }
                let seed = Self.seed(schema: schema, userText: request.lastUserText) &+ UInt64(position)
                var generator = JSONSchemaGenerator(schema: schema, seed: seed, limits: limits)
                let (document, problems) = try generator.generate()
                warnings += problems.map { "the generated arguments of \(call.name.debugDescription) do not match its parameters at \($0)" }
                let text = document.serialized
                weight += 3 * text.utf8.count + schema.serialized.utf8.count
                filledReply.toolCalls[position] = StaticReply.ToolCallSpec(id: call.id, name: call.name, arguments: text)
            }
            report(warnings, from: name)
            result = .success(
                Generated(reply: PreparedReply(filledReply, streamChunkCharacters: streamChunkCharacters), warnings: warnings))
        } catch {
            result = .failure(error.replyError(schemaName: "tool parameters"))
        }
        filled.insert(result, for: key, weight: weight)
        return result
    }

    private func check(_ text: String, against requirement: ReplyRequirement, from name: String) -> [String] {
        let key = CheckKey(requirement: requirement, text: text)
        if let known = checked[key] { return known }
        let warnings = requirement.problems(of: text, limits: limits)
        report(warnings, from: name)
        checked.insert(warnings, for: key, weight: text.utf8.count + requirement.weight)
        return warnings
    }

    /// A reply holding a document of `requirement`: as its text, or as the arguments of one call
    /// to `tool`.
    private func generate(
        _ requirement: ReplyRequirement, tool: String?, template: StaticReply, userText: String, from name: String
    ) -> Result<Generated, ReplyError> {
        // A json_object reply does not depend on the prompt.
        let key = GenerationKey(
            requirement: requirement, tool: tool, userText: requirement == .jsonObject ? "" : userText, template: template)
        if let known = generated[key] { return known }
        let result: Result<Generated, ReplyError>
        var weight = key.userText.utf8.count + requirement.weight
        switch requirement {
        case .jsonObject:
            let document: JSONValue = ["message": .string(defaultText)]
            result = .success(Generated(reply: prepared(document.serialized, template, tool: tool), warnings: []))
        case .schema(let schemaName, let schema):
            var generator = JSONSchemaGenerator(schema: schema, seed: Self.seed(schema: schema, userText: userText), limits: limits)
            do {
                let (document, problems) = try generator.generate()
                let subject = tool.map { "the generated arguments of \($0.debugDescription) do not match its parameters" }
                let warnings = problems.map {
                    "\(subject ?? "the generated document does not match the schema \(schemaName.debugDescription)") at \($0)"
                }
                report(warnings, from: name)
                let text = document.serialized
                // A prepared reply holds the text twice: whole and cut into stream pieces.
                weight += 2 * text.utf8.count
                result = .success(Generated(reply: prepared(text, template, tool: tool), warnings: warnings))
            } catch {
                result = .failure(error.replyError(schemaName: schemaName))
            }
        }
        generated.insert(result, for: key, weight: weight)
        return result
    }

    /// `template` with `text` as its content, or as the arguments of one call to `tool` (whose id
    /// is made per request).
    private func prepared(_ text: String, _ template: StaticReply, tool: String?) -> PreparedReply {
        var reply = template
        if let tool {
            reply.toolCalls = [StaticReply.ToolCallSpec(name: tool, arguments: text)]
        } else {
            reply.content = text
        }
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
