import LyrebirdPluginAPI

/// Compares values by the JSON they are written as across the plugin ABI.
public enum ABIForm {
    /// Whether `a` and `b` are written as the same JSON document.
    ///
    /// Not `a == b`: `PluginJSON.encode` (Foundation's `JSONEncoder`) writes a double without a
    /// fraction as an integer, so `JSONValue.number(3)` comes back `.integer(3)` (the same JSON
    /// number, a different case; see Fuzz/Regressions/README.md). Comparing the written forms
    /// still catches every other change: a member lost or added, `null` for a missing value, text.
    public static func same<Value: Encodable>(_ a: Value, _ b: Value) -> Bool {
        guard let first = try? JSONValue.parse(PluginJSON.encode(a), maximumDepth: PluginJSON.maximumDepth),
            let second = try? JSONValue.parse(PluginJSON.encode(b), maximumDepth: PluginJSON.maximumDepth)
        else { return false }
        return first == second
    }
}
