import Foundation

/// Encodes and decodes the JSON that crosses the plugin ABI. Host and plugins use the same
/// forms, so a value written on one side always reads on the other.
public enum PluginJSON {
    /// `value` as compact UTF-8 JSON.
    ///
    /// Canonical values always encode; a value that cannot (a non-finite number inside a
    /// `JSONValue`) becomes `null` rather than stopping a reply.
    public static func encode(_ value: some Encodable) -> [UInt8] {
        (try? JSONStreamingEncoder().encode(value)) ?? Array("null".utf8)
    }

    /// How deeply JSON that crosses the plugin ABI may nest: well past
    /// `JSONValue.defaultMaximumDepth`, so that a request body accepted at that depth still fits
    /// in the canonical request around it.
    public static let maximumDepth = 512

    /// Decodes `type` from UTF-8 JSON bytes.
    ///
    /// - Throws: `PluginJSONError` with a message that names what was wrong.
    public static func decode<Value: Decodable>(_ type: Value.Type, from bytes: some Collection<UInt8>) throws(PluginJSONError) -> Value {
        let document = try parse(bytes)
        return try decode(type, from: document, at: "")
    }

    /// The JSON text of `bytes`, nested at most ``maximumDepth`` levels.
    static func parse(_ bytes: some Collection<UInt8>) throws(PluginJSONError) -> JSONValue {
        do {
            return try JSONValue.parse(bytes, maximumDepth: maximumDepth)
        } catch {
            throw PluginJSONError(message: error.message)
        }
    }

    /// Decodes `type` from a parsed value found at `place` (empty for the top level), which the
    /// error messages name.
    static func decode<Value: Decodable>(_ type: Value.Type, from value: JSONValue, at place: String) throws(PluginJSONError) -> Value {
        do {
            return try JSONValueDecoder().decode(type, from: value)
        } catch let DecodingError.keyNotFound(key, context) {
            throw PluginJSONError(message: "missing \(path(context.codingPath + [key], at: place))")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw PluginJSONError(message: "wrong type at \(path(context.codingPath, at: place)): \(context.debugDescription)")
        } catch let DecodingError.dataCorrupted(context) {
            throw PluginJSONError(message: "\(context.debugDescription) at \(path(context.codingPath, at: place))")
        } catch {
            throw PluginJSONError(message: "\(error)")
        }
    }

    private static func path(_ keys: [any CodingKey], at place: String) -> String {
        let text = place + keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        return text.isEmpty ? "the top level" : String(text.drop(while: { $0 == "." }))
    }
}

/// JSON that does not have the form the plugin ABI expects.
public struct PluginJSONError: Error, Sendable, CustomStringConvertible {
    /// What was wrong, and where.
    public var message: String
    /// The message.
    public var description: String { message }
}
