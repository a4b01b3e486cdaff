// libyaml's event parser lets the budget be checked before Yams composes the document
// (composing already expands aliases, for instance when it hashes mapping keys to find
// duplicates).
import CLibYAML

/// What a YAML document may cost once its aliases are expanded. A document of a few hundred
/// bytes can name an anchor that names another, eight levels deep, and expand to gigabytes;
/// this check walks libyaml's events once, giving each alias the size of the node it repeats,
/// and refuses a document over budget before anything is built from it.
///
/// It also measures the document's size as the host will hold it: the bytes of its text plus
/// `nodeBytes` for each value, aliases expanded. A fixture sent over HTTP is held to a bound on
/// that size (`max_fixture_bytes`), and the run-time fixtures together to another.
struct YAMLBudget: Sendable {
    /// Nodes (scalars, sequences, mappings) after expanding aliases.
    var maximumNodes = 1_000_000
    /// Bytes of scalar text after expanding aliases.
    var maximumScalarBytes = 64 * 1024 * 1024
    /// The largest size (text bytes plus `nodeBytes` a value), aliases expanded, if bounded.
    var maximumSize: Int?

    /// What each value (scalar, list, mapping) counts toward a document's size besides its text:
    /// about what the host holds for one once it is built.
    static let nodeBytes = 16

    /// A document over budget, or one libyaml cannot read (left to Yams to report).
    struct Exceeded: Error {
        /// Which bound the document passed.
        enum Bound: Equatable {
            /// Nodes or text, with aliases repeated.
            case expansion
            /// Nodes or text as written: the document is simply too large.
            case document
            /// `maximumSize`.
            case size(Int)
        }

        var bound: Bound
        var message: String
        var line: Int
        var column: Int
    }

    private struct Size {
        var nodes = 0
        var bytes = 0

        /// What the host holds for these nodes once they are built.
        var held: Int { bytes + nodes * YAMLBudget.nodeBytes }

        static func += (lhs: inout Size, rhs: Size) {
            lhs.nodes += rhs.nodes
            lhs.bytes += rhs.bytes
        }
    }

    /// Throws `Exceeded` when `text`, expanded, is over budget; otherwise returns its size (text
    /// bytes plus `nodeBytes` a value, aliases expanded). Syntax errors are not reported here:
    /// Yams reports them with more context.
    @discardableResult
    func check(_ text: String) throws(Exceeded) -> Int {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return 0 }
        defer { yaml_parser_delete(&parser) }
        var utf8 = Array(text.utf8)
        return try utf8.withUnsafeMutableBufferPointer { (buffer) throws(Exceeded) -> Int in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            return try walk(&parser)
        }
    }

    private func walk(_ parser: inout yaml_parser_t) throws(Exceeded) -> Int {
        var anchors: [String: Size] = [:]
        // The open collections, each with its anchor and its size so far (itself included).
        var open: [(anchor: String?, size: Size)] = []
        var total = Size()
        var repeated = false
        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) == 1 else { return total.held }
            defer { yaml_event_delete(&event) }
            var added: Size?
            var anchored: (name: String, size: Size)?
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return total.held
            case YAML_SCALAR_EVENT:
                let size = Size(nodes: 1, bytes: event.data.scalar.length)
                added = size
                if let anchor = event.data.scalar.anchor { anchored = (String(cString: anchor), size) }
            case YAML_ALIAS_EVENT:
                // An undefined alias is Yams' to report; it costs nothing here.
                added = event.data.alias.anchor.flatMap { anchors[String(cString: $0)] } ?? Size()
                repeated = true
            case YAML_SEQUENCE_START_EVENT:
                // The collection's own node is counted in the total now, and in its own size below.
                open.append((event.data.sequence_start.anchor.map { String(cString: $0) }, Size()))
                added = Size(nodes: 1)
            case YAML_MAPPING_START_EVENT:
                open.append((event.data.mapping_start.anchor.map { String(cString: $0) }, Size()))
                added = Size(nodes: 1)
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let closed = open.popLast() else { return total.held }
                if let anchor = closed.anchor { anchors[anchor] = closed.size }
                // Its nodes were counted in the total as they came; only the parent grows.
                if !open.isEmpty { open[open.count - 1].size += closed.size }
                continue
            default:
                continue
            }
            if let anchored { anchors[anchored.name] = anchored.size }
            guard let added else { continue }
            total += added
            if !open.isEmpty { open[open.count - 1].size += added }
            let mark = event.start_mark
            if total.nodes > maximumNodes || total.bytes > maximumScalarBytes {
                throw Exceeded(
                    bound: repeated ? .expansion : .document,
                    message: repeated
                        ? "the document expands to more than \(maximumNodes) nodes or \(maximumScalarBytes) bytes of text once its aliases are repeated"
                        : "the document holds more than \(maximumNodes) values or \(maximumScalarBytes) bytes of text, the most one document may hold",
                    line: mark.line + 1, column: mark.column + 1)
            }
            if let maximumSize, total.held > maximumSize {
                throw Exceeded(
                    bound: .size(maximumSize),
                    message:
                        "the document takes more than \(maximumSize) bytes\(repeated ? " once its aliases are repeated" : "") (its text and \(Self.nodeBytes) bytes for each value)",
                    line: mark.line + 1, column: mark.column + 1)
            }
        }
    }
}
