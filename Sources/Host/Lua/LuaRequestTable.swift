import LyrebirdPluginAPI

/// The `req` table a script receives.
enum LuaRequestTable {
    static func make(_ request: CanonicalRequest, parameters: JSONValue) -> JSONValue {
        var headers: [String: JSONValue] = [:]
        for header in request.headers where headers[header.name] == nil { headers[header.name] = .string(header.value) }
        return .object([
            "operation": .string(request.operation),
            "model": .string(request.model),
            "messages": .array(request.messages.map(message)),
            "last_user": .string(request.lastUserText),
            "system": .string(request.systemText),
            "tools": .array(
                request.tools.map { tool in
                    .object([
                        "name": .string(tool.name), "description": tool.description.map(JSONValue.string) ?? .null,
                        "parameters": tool.parameters ?? .null,
                    ])
                }),
            "params": parameters.isNull ? .object([:]) : parameters,
            "headers": .object(headers),
            "stream": .bool(request.stream),
            "n": .integer(Int64(request.choiceCount)),
            "conversation": .string(LuaStore.conversation(of: request)),
            "body": request.body,
        ])
    }

    private static func message(_ message: Message) -> JSONValue {
        var table: [String: JSONValue] = ["role": .string(message.role.rawValue), "content": .string(message.text)]
        if let name = message.name { table["name"] = .string(name) }
        if let id = message.toolCallID { table["tool_call_id"] = .string(id) }
        if !message.toolCalls.isEmpty {
            table["tool_calls"] = .array(
                message.toolCalls.map { call in
                    .object([
                        "id": .string(call.id), "name": .string(call.name),
                        "arguments": (try? JSONValue.parse(call.arguments)) ?? .string(call.arguments),
                    ])
                })
        }
        return .object(table)
    }

    /// The random seed of a request: its `seed` when given, else a hash of the model and the
    /// conversation, so the same request always draws the same numbers.
    static func seed(for request: CanonicalRequest) -> UInt64 {
        if let seed = request.sampling.seed { return UInt64(bitPattern: Int64(seed)) }
        var hash = FNV1a()
        hash.add(request.model)
        for message in request.messages {
            hash.add("\u{1}")
            hash.add(message.role.rawValue)
            hash.add("\u{2}")
            hash.add(message.text)
        }
        return hash.value
    }
}
