import LyrebirdPluginAPI

/// The OpenAPI 3.1 document of every route a host serves: its providers' (builtin, linked in
/// or from plugins) and its own admin endpoints, served at `GET /_lyrebird/openapi.json`.
///
/// A host's routes are fixed once it is built, so the document is written then, once, and
/// every request gets the same bytes.
///
/// What OpenAPI cannot say is in extensions: `x-lyrebird-provider`, `x-lyrebird-plugin`,
/// `x-lyrebird-operation` (the route's own operation name), `x-lyrebird-transports`,
/// `x-lyrebird-answered-by`, `x-lyrebird-only-with` (the route's conditions),
/// `x-lyrebird-admin` (an admin endpoint's name), `x-lyrebird-path` (the route's own path when
/// it names its parameters otherwise than the template) and `x-lyrebird-alternatives` (the
/// other routes at the same method and path, with the same facts without the prefix).
struct OpenAPIDocument: Sendable {
    /// The document, compact JSON.
    let bytes: [UInt8]

    /// The path template and the operations of each path, in the order the routes were added.
    typealias Path = (template: String, operations: [OpenAPIOperation])

    /// The name of the host's own error body among the document's schemas.
    static let errorSchemaName = "OpenAIError"

    /// The host's own error body, OpenAI's: `{"error": {"message", "type", "param", "code"}}`.
    /// Providers' errors come in their own shapes, which the host cannot describe.
    private static let errorSchema: JSONValue = [
        "type": "object",
        "required": ["error"],
        "properties": [
            "error": [
                "type": "object",
                "required": ["message", "type"],
                "properties": [
                    "message": ["type": "string"],
                    "type": ["type": "string"],
                    "param": ["type": ["string", "null"]],
                    "code": ["type": ["string", "null"]],
                ],
            ]
        ],
    ]

    /// The order OpenAPI lists a path item's operations in.
    private static let methods: [HTTPMethodName] = [.get, .put, .post, .delete, .patch]

    /// Describes every route of `routes`; `version` is the host's.
    init(routes: RouteTable<HostResponder.Handler>, version: String) {
        let paths = Self.paths(of: routes.entries)
        var writer = JSONWriter(reservingCapacity: 64 * 1024)
        writer.object { writer in
            writer.member("openapi", "3.1.0")
            writer.member(
                "info",
                object: { writer in
                    writer.member("title", "Lyrebird")
                    writer.member("version", version)
                    writer.member(
                        "description",
                        "Every route this Lyrebird host serves: its providers', its plugins' and its own admin endpoints. The x-lyrebird- extensions say which provider and plugin serve an operation, its transports, who answers it and the conditions a request must meet."
                    )
                })
            Self.writeTags(of: paths, into: &writer)
            writer.member(
                "paths",
                object: { writer in
                    for path in paths {
                        writer.member(
                            path.template,
                            object: { writer in
                                for operation in path.operations { operation.write(into: &writer) }
                            })
                    }
                })
            writer.member(
                "components",
                object: { writer in
                    writer.member("schemas", object: { writer in writer.member(Self.errorSchemaName, Self.errorSchema) })
                })
        }
        bytes = writer.bytes
    }

    /// Groups `entries` into paths and operations, and gives each operation an id no other has.
    static func paths(of entries: [OpenAPIOperation.Entry]) -> [Path] {
        // Patterns that differ only in their parameters' names match the same requests, and
        // OpenAPI counts their templates as one path: they share the first one's template.
        var indexByShape: [[RoutePattern.Segment]: Int] = [:]
        var groups: [(pattern: RoutePattern, entries: [OpenAPIOperation.Entry])] = []
        for entry in entries {
            if let index = indexByShape[entry.pattern.shape] {
                groups[index].entries.append(entry)
            } else {
                indexByShape[entry.pattern.shape] = groups.count
                groups.append((entry.pattern, [entry]))
            }
        }
        var ids = Set<String>()
        return groups.map { group in
            let operations = methods.compactMap { method -> OpenAPIOperation? in
                let atMethod = group.entries.filter { $0.method == method }
                guard !atMethod.isEmpty else { return nil }
                return OpenAPIOperation(method: method, entries: atMethod, parameterNames: group.pattern.parameterNames) { primary in
                    unique(OpenAPIOperation.baseID(of: primary), among: &ids)
                }
            }
            return (group.pattern.template, operations)
        }
    }

    /// `base`, or `base_2`, `base_3`, ... when taken: the same operation served at several
    /// paths (Azure's beside OpenAI's, Gemini's `/v1` beside `/v1beta`) numbered in the order
    /// its paths were added.
    private static func unique(_ base: String, among ids: inout Set<String>) -> String {
        var id = base
        var number = 1
        while ids.contains(id) {
            number += 1
            id = "\(base)_\(number)"
        }
        ids.insert(id)
        return id
    }

    /// The tags the operations use, in the order they first appear, each saying where its
    /// routes come from.
    private static func writeTags(of paths: [Path], into writer: inout JSONWriter) {
        var seen = Set<String>()
        writer.member(
            "tags",
            array: { writer in
                for path in paths {
                    for entry in path.operations.flatMap(\.entries) {
                        let tag = OpenAPIOperation.tag(of: entry)
                        guard seen.insert(tag).inserted else { continue }
                        let description: String
                        switch entry.handler {
                        case .admin:
                            description = "The host's own endpoints: health, fixtures, the journal, sequences, this document."
                        case .provider(let provider, _):
                            description =
                                Pipeline.plugin(of: provider).map { "The routes of the provider \(provider.name), from the plugin \($0)." }
                                ?? "The routes of the provider \(provider.name), linked into the host."
                        }
                        writer.object { writer in
                            writer.member("name", tag)
                            writer.member("description", description)
                        }
                    }
                }
            })
    }
}
