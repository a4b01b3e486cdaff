/// Encodes `Encodable` values straight into a `JSONWriter`, for the JSON that crosses the plugin
/// ABI: no intermediate tree and no second serialisation, as Foundation's `JSONEncoder` makes.
///
/// `Encoder` has no call that ends a container, so the output keeps a stack of open containers:
/// writing into a container first closes any deeper one still open, and a value's containers
/// are closed when its `encode(to:)` returns. That fits every synthesized and hand-written
/// `encode(to:)` that writes its containers one after another, as the canonical types do.
struct JSONStreamingEncoder {
    func encode(_ value: some Encodable) throws -> [UInt8] {
        let output = Output()
        try output.encode(value, codingPath: [])
        return output.writer.bytes
    }

    /// The writer and its open containers, shared by every encoder of one document.
    final class Output {
        var writer = JSONWriter()
        /// Whether each open container is an object (`true`) or an array.
        private var open: [Bool] = []

        /// Encodes `value` as the next value, closing what it opens.
        func encode(_ value: some Encodable, codingPath: [any CodingKey]) throws {
            let depth = open.count
            let written = writtenBytes
            if let json = value as? JSONValue {
                writer.value(json)
            } else {
                try value.encode(to: Node(output: self, depth: depth, codingPath: codingPath))
            }
            close(to: depth)
            // A value that wrote nothing (an empty `encode(to:)`) is null, as in JSONEncoder.
            if writtenBytes == written { writer.null() }
        }

        private var writtenBytes: Int { writer.bytes.count }

        /// Closes the containers deeper than `depth`.
        func close(to depth: Int) {
            while open.count > depth {
                if open.removeLast() {
                    writer.closeObject()
                } else {
                    writer.closeArray()
                }
            }
        }

        /// Opens a container at `depth` (the encoder's own depth), closing deeper ones first.
        func openContainer(isObject: Bool, at depth: Int) {
            close(to: depth)
            if isObject {
                writer.openObject()
            } else {
                writer.openArray()
            }
            open.append(isObject)
        }
    }

    /// The encoder for one value; its containers sit at `depth` in the output's stack.
    struct Node: Encoder {
        let output: Output
        let depth: Int
        let codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            output.openContainer(isObject: true, at: depth)
            return KeyedEncodingContainer(Keyed<Key>(output: output, depth: depth + 1, codingPath: codingPath))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            output.openContainer(isObject: false, at: depth)
            return Unkeyed(output: output, depth: depth + 1, codingPath: codingPath)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer {
            Single(output: output, depth: depth, codingPath: codingPath)
        }
    }

    private struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let output: Output
        /// The depth of values inside this container.
        let depth: Int
        let codingPath: [any CodingKey]

        private func key(_ key: Key) {
            output.close(to: depth)
            output.writer.key(key.stringValue)
        }

        mutating func encodeNil(forKey key: Key) throws {
            self.key(key)
            output.writer.null()
        }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            self.key(key)
            try output.encode(value, codingPath: codingPath + [key])
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
            -> KeyedEncodingContainer<NestedKey>
        {
            self.key(key)
            return Node(output: output, depth: depth, codingPath: codingPath + [key]).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            self.key(key)
            return Node(output: output, depth: depth, codingPath: codingPath + [key]).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder {
            superEncoder(forKey: Key(stringValue: "super")!)
        }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            self.key(key)
            return Node(output: output, depth: depth, codingPath: codingPath + [key])
        }
    }

    private struct Unkeyed: UnkeyedEncodingContainer {
        let output: Output
        let depth: Int
        let codingPath: [any CodingKey]
        private(set) var count = 0

        init(output: Output, depth: Int, codingPath: [any CodingKey]) {
            self.output = output
            self.depth = depth
            self.codingPath = codingPath
        }

        private mutating func nextPath() -> [any CodingKey] {
            output.close(to: depth)
            defer { count += 1 }
            return codingPath + [IndexKey(count)]
        }

        mutating func encodeNil() throws {
            _ = nextPath()
            output.writer.null()
        }

        mutating func encode<T: Encodable>(_ value: T) throws {
            try output.encode(value, codingPath: nextPath())
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            Node(output: output, depth: depth, codingPath: nextPath()).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            Node(output: output, depth: depth, codingPath: nextPath()).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder {
            Node(output: output, depth: depth, codingPath: nextPath())
        }
    }

    private struct Single: SingleValueEncodingContainer {
        let output: Output
        let depth: Int
        let codingPath: [any CodingKey]

        mutating func encodeNil() throws { output.writer.null() }
        mutating func encode(_ value: Bool) throws { output.writer.bool(value) }
        mutating func encode(_ value: String) throws { output.writer.string(value) }
        mutating func encode(_ value: Double) throws { output.writer.number(value) }
        mutating func encode(_ value: Float) throws { output.writer.number(Double(value)) }
        mutating func encode(_ value: Int) throws { output.writer.integer(value) }
        mutating func encode(_ value: Int8) throws { output.writer.integer(Int(value)) }
        mutating func encode(_ value: Int16) throws { output.writer.integer(Int(value)) }
        mutating func encode(_ value: Int32) throws { output.writer.integer(Int(value)) }
        mutating func encode(_ value: Int64) throws { output.writer.integer(Int(value)) }
        mutating func encode(_ value: UInt) throws { output.writer.raw(String(value).utf8) }
        mutating func encode(_ value: UInt8) throws { output.writer.integer(Int(value)) }
        mutating func encode(_ value: UInt16) throws { output.writer.integer(Int(value)) }
        mutating func encode(_ value: UInt32) throws { output.writer.integer(Int(value)) }
        mutating func encode(_ value: UInt64) throws { output.writer.raw(String(value).utf8) }

        mutating func encode<T: Encodable>(_ value: T) throws {
            try output.encode(value, codingPath: codingPath)
        }
    }
}
