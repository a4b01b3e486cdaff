// CYaml is the libyaml that Yams is built on; its event parser lets the budget be checked
// before Yams composes the document (composing already expands aliases, for instance when it
// hashes mapping keys to find duplicates).
import CYaml

/// What a YAML document may cost once its aliases are expanded. A document of a few hundred
/// bytes can name an anchor that names another, eight levels deep, and expand to gigabytes;
/// this check walks libyaml's events once, giving each alias the size of the node it repeats,
/// and refuses a document over budget before anything is built from it.
struct YAMLBudget: Sendable {
    /// Nodes (scalars, sequences, mappings) after expanding aliases.
    var maximumNodes = 1_000_000
    /// Bytes of scalar text after expanding aliases.
    var maximumScalarBytes = 64 * 1024 * 1024

    /// A document over budget, or one libyaml cannot read (left to Yams to report).
    struct Exceeded: Error {
        var message: String
        var line: Int
        var column: Int
    }

    private struct Size {
        var nodes = 0
        var bytes = 0

        static func += (lhs: inout Size, rhs: Size) {
            lhs.nodes += rhs.nodes
            lhs.bytes += rhs.bytes
        }
    }

    /// Throws `Exceeded` when `text`, expanded, is over budget. Syntax errors are not reported
    /// here: Yams reports them with more context.
    func check(_ text: String) throws(Exceeded) {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return }
        defer { yaml_parser_delete(&parser) }
        var utf8 = Array(text.utf8)
        try utf8.withUnsafeMutableBufferPointer { (buffer) throws(Exceeded) in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            try walk(&parser)
        }
    }

    private func walk(_ parser: inout yaml_parser_t) throws(Exceeded) {
        var anchors: [String: Size] = [:]
        // The open collections, each with its anchor and its size so far (itself included).
        var open: [(anchor: String?, size: Size)] = []
        var total = Size()
        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) == 1 else { return }
            defer { yaml_event_delete(&event) }
            var added: Size?
            var anchored: (name: String, size: Size)?
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return
            case YAML_SCALAR_EVENT:
                let size = Size(nodes: 1, bytes: event.data.scalar.length)
                added = size
                if let anchor = event.data.scalar.anchor { anchored = (String(cString: anchor), size) }
            case YAML_ALIAS_EVENT:
                // An undefined alias is Yams' to report; it costs nothing here.
                added = event.data.alias.anchor.flatMap { anchors[String(cString: $0)] } ?? Size()
            case YAML_SEQUENCE_START_EVENT:
                open.append((event.data.sequence_start.anchor.map { String(cString: $0) }, Size(nodes: 1)))
            case YAML_MAPPING_START_EVENT:
                open.append((event.data.mapping_start.anchor.map { String(cString: $0) }, Size(nodes: 1)))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let closed = open.popLast() else { return }
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
            if total.nodes > maximumNodes || total.bytes > maximumScalarBytes {
                let mark = event.start_mark
                throw Exceeded(
                    message:
                        "the document expands to more than \(maximumNodes) nodes or \(maximumScalarBytes) bytes of text once its aliases are repeated",
                    line: mark.line + 1, column: mark.column + 1)
            }
        }
    }
}
