import LyrebirdPluginAPI

/// Reads a Responses request's `input` (a string, or a list of items) into items, naming the
/// parameter at fault (`input[2].content[0].text`) for anything missing or mistyped.
///
/// Items the client sent without an id get one, so that every stored item can be listed.
enum ResponsesInputDecoder {
    static let roles = ["user", "assistant", "system", "developer"]
    static let inputPartTypes = ["input_text", "input_image", "input_file"]
    static let outputPartTypes = ["output_text", "refusal"]

    static func decode(_ input: JSONValue?) throws(ReplyError) -> [ResponseItem] {
        switch input {
        case nil, .null?:
            return []
        case .string(let text)?:
            return [.message(id: ResponseIDs.make("msg_"), role: .user, status: .completed, content: [.inputText(text)])]
        case .array(let elements)?:
            var items: [ResponseItem] = []
            items.reserveCapacity(elements.count)
            for (index, element) in elements.enumerated() {
                items.append(try decodeItem(element, param: "input[\(index)]"))
            }
            return items
        case let other?:
            throw RequestFields.wrongType("input", expected: "a string or an array of input items", got: other)
        }
    }

    private static func decodeItem(_ value: JSONValue, param: String) throws(ReplyError) -> ResponseItem {
        let item = try RequestFields.object(value, param: param)
        let id = try optionalString(item, "id", param: param)
        // A message may leave out its type (the "easy" input message form).
        let type = try optionalString(item, "type", param: param) ?? (item["role"] == nil ? nil : "message")
        switch type {
        case "message":
            return try decodeMessage(item, id: id, param: param)
        case "function_call":
            return .functionCall(
                id: id ?? ResponseIDs.make("fc_"),
                callID: try requiredString(item, "call_id", param: param),
                name: try requiredString(item, "name", param: param),
                arguments: try requiredString(item, "arguments", param: param),
                status: .completed)
        case "function_call_output":
            return .functionCallOutput(
                id: id ?? ResponseIDs.make("fco_"),
                callID: try requiredString(item, "call_id", param: param),
                output: try decodeOutput(try RequestFields.required(item, "output", param: param), param: "\(param).output"))
        case .some:
            return .other(id: id ?? ResponseIDs.make("item_"), members: item)
        case nil:
            throw RequestFields.missing("\(param).type")
        }
    }

    private static func decodeMessage(_ item: [String: JSONValue], id: String?, param: String) throws(ReplyError) -> ResponseItem {
        let roleName = try requiredString(item, "role", param: param)
        guard let role = Message.Role(rawValue: roleName), role != .tool else {
            throw RequestFields.invalidValue("\(param).role", roleName, supported: roles)
        }
        let supported = role == .assistant ? outputPartTypes : inputPartTypes
        var content: [ResponseContentPart] = []
        switch try RequestFields.required(item, "content", param: param) {
        case .string(let text):
            content = [role == .assistant ? .outputText(text) : .inputText(text)]
        case .array(let parts):
            content.reserveCapacity(parts.count)
            for (index, part) in parts.enumerated() {
                content.append(try decodePart(part, supported: supported, param: "\(param).content[\(index)]"))
            }
        case let other:
            throw RequestFields.wrongType("\(param).content", expected: "a string or an array of content parts", got: other)
        }
        return .message(id: id ?? ResponseIDs.make("msg_"), role: role, status: .completed, content: content)
    }

    /// A function call's output: text, or a list of input parts.
    private static func decodeOutput(_ value: JSONValue, param: String) throws(ReplyError) -> ResponseItem.Output {
        switch value {
        case .string(let text):
            return .text(text)
        case .array(let parts):
            var content: [ResponseContentPart] = []
            for (index, part) in parts.enumerated() {
                content.append(try decodePart(part, supported: inputPartTypes, param: "\(param)[\(index)]"))
            }
            return .parts(content)
        default:
            throw RequestFields.wrongType(param, expected: "a string or an array of content parts", got: value)
        }
    }

    private static func decodePart(_ value: JSONValue, supported: [String], param: String) throws(ReplyError) -> ResponseContentPart {
        let part = try RequestFields.object(value, param: param)
        let type = try requiredString(part, "type", param: param)
        guard supported.contains(type) else { throw RequestFields.invalidValue("\(param).type", type, supported: supported) }
        switch type {
        case "input_text":
            return .inputText(try requiredString(part, "text", param: param))
        case "output_text":
            return .outputText(try requiredString(part, "text", param: param))
        case "input_image":
            let imageURL = try optionalString(part, "image_url", param: param)
            let fileID = try optionalString(part, "file_id", param: param)
            guard imageURL != nil || fileID != nil else { throw RequestFields.missing("\(param).image_url") }
            let detail = try optionalString(part, "detail", param: param) ?? "auto"
            return .inputImage(imageURL: imageURL, fileID: fileID, detail: detail)
        default:
            return .other(type: type, value: value)
        }
    }

    private static func requiredString(_ object: [String: JSONValue], _ key: String, param: String) throws(ReplyError) -> String {
        try RequestFields.string(try RequestFields.required(object, key, param: param), param: "\(param).\(key)")
    }

    private static func optionalString(_ object: [String: JSONValue], _ key: String, param: String) throws(ReplyError) -> String? {
        guard let value = object[key], !value.isNull else { return nil }
        return try RequestFields.string(value, param: "\(param).\(key)")
    }
}
