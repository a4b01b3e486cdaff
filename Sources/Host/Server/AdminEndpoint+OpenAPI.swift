import LyrebirdPluginAPI

/// How the OpenAPI document describes each admin endpoint. Kept beside the endpoints' list so
/// that a new endpoint cannot be added without saying what it is.
extension AdminEndpoint {
    /// The operation's name; its `operationId` is `admin.` and this.
    var operationName: String {
        switch self {
        case .health: return "health"
        case .listFixtures: return "fixtures.list"
        case .addFixture: return "fixtures.add"
        case .deleteFixture: return "fixtures.delete"
        case .journal: return "journal"
        case .resetSequences: return "sequences.reset"
        case .openAPI: return "openapi"
        }
    }

    /// One line on what the endpoint does.
    var summary: String {
        switch self {
        case .health: return "The host's status, version, fixture count and loaded plugins"
        case .listFixtures: return "The fixtures, with their hits and the ones never hit"
        case .addFixture: return "Adds one fixture, sent as JSON or YAML with the keys of a fixture file"
        case .deleteFixture: return "Removes the fixture with this id"
        case .journal: return "The most recent requests: source, context, status, timing, near misses"
        case .resetSequences: return "Starts reply sequences again, of one context ({\"context\": ...}) or of all (no body)"
        case .openAPI: return "This document: every route the host serves"
        }
    }

    /// The status a success answers with.
    var successStatus: Int { self == .addFixture ? 201 : 200 }

    /// The media types a request body may have, none when the endpoint reads no body. YAML's
    /// other names (`text/yaml`, ...) are taken too; the document names the usual one.
    var bodyMediaTypes: [String] {
        switch self {
        case .addFixture: return ["application/json", "application/yaml"]
        case .resetSequences: return ["application/json"]
        case .health, .listFixtures, .deleteFixture, .journal, .openAPI: return []
        }
    }

    /// Whether a request must carry a body: a reset without one resets every context.
    var requiresBody: Bool { self == .addFixture }

    /// The schema of the body, for an endpoint that reads one. A fixture's own keys are checked
    /// by the fixture decoder, which names every problem; the document does not repeat them.
    var bodySchema: JSONValue {
        switch self {
        case .resetSequences:
            return [
                "type": "object",
                "properties": ["context": ["type": "string", "description": "The context whose sequences start again."]],
                "additionalProperties": false,
            ]
        case .health, .listFixtures, .addFixture, .deleteFixture, .journal, .openAPI:
            return ["type": "object"]
        }
    }
}
