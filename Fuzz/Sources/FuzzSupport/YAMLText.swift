/// Text placed inside a double-quoted YAML scalar unchanged.
public enum YAMLText {
    /// `text` with every character outside printable ASCII escaped, so YAML neither folds
    /// line breaks nor refuses control characters and the script arrives byte for byte.
    public static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case " "..."~": out.unicodeScalars.append(scalar)
            default:
                let hex = String(scalar.value, radix: 16)
                out += "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
            }
        }
        return out
    }
}
