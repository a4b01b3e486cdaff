import LyrebirdPluginAPI

/// The input forms embeddings and legacy completions share: a string, a list of strings, one
/// token array (a list of integers) or a list of token arrays.
///
/// A token array becomes its ids joined by spaces ("1212 318 257"), so the same tokens always
/// read as the same text: fixtures can match them, and they embed alike.
enum TextInputs {
    /// The texts `value` holds, in order, naming the element at fault (`input[2]`) for anything
    /// wrong.
    ///
    /// - Parameters:
    ///   - param: The parameter's name (`input`, `prompt`).
    ///   - allowsEmptyText: Whether `""` is a valid text (a prompt may be empty, an input not).
    ///   - maximumCount: The most texts a list may hold.
    static func decode(_ value: JSONValue, param: String, allowsEmptyText: Bool, maximumCount: Int) throws(ReplyError) -> [String] {
        switch value {
        case .string(let text):
            return [try checked(text, param: param, allowsEmptyText: allowsEmptyText)]
        case .array(let elements):
            guard !elements.isEmpty else { throw emptyArray(param) }
            guard elements.count <= maximumCount else {
                throw ReplyError.invalidParameter(
                    param,
                    "Invalid '\(param)': array too long. Expected an array with maximum length \(maximumCount), but got an array with length \(elements.count) instead.",
                    code: "array_above_max_length")
            }
            if elements[0].intValue != nil { return [try tokenText(elements, param: param)] }
            var texts: [String] = []
            texts.reserveCapacity(elements.count)
            for (index, element) in elements.enumerated() {
                let elementParam = "\(param)[\(index)]"
                switch element {
                case .string(let text): texts.append(try checked(text, param: elementParam, allowsEmptyText: allowsEmptyText))
                case .array(let tokens): texts.append(try tokenText(tokens, param: elementParam))
                default: throw RequestFields.wrongType(elementParam, expected: "a string or an array of token ids", got: element)
                }
            }
            return texts
        default:
            throw RequestFields.wrongType(param, expected: "a string or an array", got: value)
        }
    }

    private static func checked(_ text: String, param: String, allowsEmptyText: Bool) throws(ReplyError) -> String {
        guard allowsEmptyText || !text.isEmpty else {
            throw ReplyError.invalidParameter(
                param, "Invalid '\(param)': empty string. Expected a string with minimum length 1, but got an empty string instead.",
                code: "empty_string")
        }
        return text
    }

    /// A token array as text: its ids joined by spaces.
    private static func tokenText(_ tokens: [JSONValue], param: String) throws(ReplyError) -> String {
        guard !tokens.isEmpty else { throw emptyArray(param) }
        var text = ""
        for (index, token) in tokens.enumerated() {
            let id = try RequestFields.integer(token, param: "\(param)[\(index)]", in: 0...Int(Int32.max))
            if index > 0 { text += " " }
            text += String(id)
        }
        return text
    }

    private static func emptyArray(_ param: String) -> ReplyError {
        ReplyError.invalidParameter(
            param, "Invalid '\(param)': empty array. Expected an array with minimum length 1, but got an empty array instead.",
            code: "empty_array")
    }
}
