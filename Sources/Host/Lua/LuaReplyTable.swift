import LyrebirdPluginAPI

/// Reads what `respond` returned: a string (the content) or a reply table.
enum LuaReplyTable {
    /// The reply a returned value describes, or a message saying what is wrong with it.
    static func reply(from value: JSONValue) -> Result<LuaReply?, LuaReplyProblem> {
        switch value {
        case .null:
            return .success(nil)
        case .string(let text):
            return .success(.message(StaticReply(content: text)))
        case .integer, .number:
            return .success(.message(StaticReply(content: value.serialized)))
        case .object(let table):
            // A misspelt key (`contnet`) would otherwise answer with an empty reply, and nobody
            // would know why.
            if let unknown = table.keys.sorted().first(where: { !replyKeys.contains($0) }) {
                let known = replyKeys.sorted().joined(separator: ", ")
                return .failure(LuaReplyProblem(message: "unknown key \(unknown.debugDescription) in the reply table (known: \(known))"))
            }
            if let rawError = table["error"] {
                guard let error = error(from: rawError) else {
                    return .failure(LuaReplyProblem(message: "the returned error needs status and message"))
                }
                return .success(.error(error))
            }
            var reply = StaticReply()
            if let reasoning = table["reasoning"] {
                guard let text = reasoning.stringValue else { return .failure(LuaReplyProblem(message: "reasoning must be a string")) }
                reply.reasoning = text
            }
            if let content = table["content"] {
                guard let text = content.stringValue else { return .failure(LuaReplyProblem(message: "content must be a string")) }
                reply.content = text
            }
            if let calls = table["tool_calls"] {
                guard let list = calls.arrayValue ?? (calls.objectValue?.isEmpty == true ? [] : nil) else {
                    return .failure(LuaReplyProblem(message: "tool_calls must be a list of {name = ..., arguments = {...}}"))
                }
                for call in list {
                    guard let name = call["name"]?.stringValue else {
                        return .failure(LuaReplyProblem(message: "every tool call needs a name"))
                    }
                    let arguments = call["arguments"].map { $0.stringValue ?? $0.serializedArguments } ?? "{}"
                    reply.toolCalls.append(StaticReply.ToolCallSpec(id: call["id"]?.stringValue, name: name, arguments: arguments))
                }
            }
            if let reason = table["finish_reason"] {
                guard let name = reason.stringValue, let parsed = FinishReason(rawValue: name) else {
                    return .failure(LuaReplyProblem(message: "unknown finish_reason \(reason.serialized)"))
                }
                reply.finishReason = parsed
            }
            if let usage = table["usage"] {
                reply.usage = self.usage(from: usage)
            }
            if let embeddings = table["embeddings"] {
                guard let list = embeddings.arrayValue else {
                    return .failure(LuaReplyProblem(message: "embeddings must be a list of vectors (lists of numbers)"))
                }
                for (index, element) in list.enumerated() {
                    guard let vector = vector(from: element) else {
                        return .failure(LuaReplyProblem(message: "embeddings[\(index + 1)] \(vectorRule)"))
                    }
                    reply.embeddings.append(vector)
                }
            }
            return .success(.message(reply))
        default:
            return .failure(LuaReplyProblem(message: "respond must return a string, a reply table or nil, not \(value.typeName)"))
        }
    }

    /// The keys a returned reply table may hold.
    static let replyKeys: Set<String> = ["content", "reasoning", "tool_calls", "finish_reason", "usage", "embeddings", "error"]

    static func error(from value: JSONValue) -> ReplyError? {
        guard let message = value["message"]?.stringValue else { return nil }
        let status = value["status"]?.intValue ?? 500
        return ReplyError(
            status: (400...599).contains(status) ? status : 500, message: message,
            type: value["type"]?.stringValue, param: value["param"]?.stringValue, code: value["code"]?.stringValue
        )
    }

    /// What a vector must be, for messages.
    static let vectorRule = "must be a non-empty list of numbers between -1e30 and 1e30"

    /// An embedding vector: a non-empty list of finite numbers in the range fixtures allow.
    static func vector(from value: JSONValue) -> [Double]? {
        guard let elements = value.arrayValue, !elements.isEmpty else { return nil }
        var vector: [Double] = []
        vector.reserveCapacity(elements.count)
        for element in elements {
            guard let number = element.doubleValue, (-1e30...1e30).contains(number) else { return nil }
            vector.append(number)
        }
        return vector
    }

    static func usage(from value: JSONValue) -> Usage? {
        guard let prompt = value["prompt_tokens"]?.intValue, let completion = value["completion_tokens"]?.intValue else { return nil }
        return Usage(promptTokens: prompt, completionTokens: completion)
    }
}

/// A reply a script returned.
enum LuaReply {
    case message(StaticReply)
    case error(ReplyError)
}

/// What is wrong with a value a script returned.
struct LuaReplyProblem: Error {
    let message: String
}
