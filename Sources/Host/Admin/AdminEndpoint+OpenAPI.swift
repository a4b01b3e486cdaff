import LyrebirdPluginAPI

/// How the OpenAPI document describes each admin endpoint. Kept beside the endpoints' list so
/// that a new endpoint cannot be added without saying what it is.
extension AdminEndpoint {
    /// The operation's name; its `operationId` is `admin.` and this.
    var operationName: String {
        switch self {
        case .health: return "health"
        case .listFixtures: return "fixtures.list.legacy"
        case .addFixture: return "fixtures.add.legacy"
        case .deleteFixture: return "fixtures.delete.legacy"
        case .journal: return "journal.legacy"
        case .fixtures: return "fixtures.list"
        case .fixture: return "fixtures.get"
        case .createFixture: return "fixtures.create"
        case .replaceFixture: return "fixtures.replace"
        case .removeFixture: return "fixtures.delete"
        case .reorderFixtures: return "fixtures.reorder"
        case .resetSequences: return "sequences.reset"
        case .journalQuery: return "journal.list"
        case .clearJournal: return "journal.clear"
        case .verifyHits: return "verify.hits"
        case .verifyUnmatched: return "verify.unmatched"
        case .verifyCalls: return "verify.calls"
        case .openAPI: return "openapi"
        case .clock: return "clock.get"
        case .advanceClock: return "clock.advance"
        case .usageAnalytics: return "analytics.usage"
        case .summaryAnalytics: return "analytics.summary"
        case .verdicts: return "verdicts"
        case .metrics: return "metrics"
        case .faultProfiles: return "faults.list"
        case .faultProfile: return "faults.get"
        case .setFaultProfile: return "faults.set"
        case .removeFaultProfile: return "faults.delete"
        case .dashboard: return "dashboard"
        case .dashboardAsset: return "dashboard.asset"
        case .journalStream: return "journal.stream"
        case .quotaUse: return "quotas.use"
        }
    }

    /// One line on what the endpoint does.
    var summary: String {
        switch self {
        case .health: return "The host's status, version, fixture count and loaded plugins"
        case .listFixtures: return "The fixtures with their hits ({\"fixtures\": [...], \"count\": N}, and data for earlier clients)"
        case .addFixture: return "Adds one fixture, as JSON or YAML with the keys of a fixture file, or {\"pattern\", \"response\"}"
        case .deleteFixture: return "Removes the fixture with this id"
        case .journal: return "The most recent 1,000 requests: source, context, status, timing, near misses"
        case .fixtures: return "The fixtures in match order, with their origin and hits, and the ones never hit"
        case .fixture: return "One fixture, with its hits and, for one created at run time, its text"
        case .createFixture: return "Creates a fixture, as JSON or YAML with the keys of a fixture file"
        case .replaceFixture: return "Replaces a fixture created at run time, keeping its id and place"
        case .removeFixture: return "Deletes a fixture created at run time"
        case .reorderFixtures: return "Puts fixtures created at run time in this order ({\"order\": [ids]}), ahead of the others"
        case .resetSequences: return "Starts reply sequences again, of one context ({\"context\": ...}) or of all (no body)"
        case .journalQuery:
            return "Journal entries filtered by path, fixture, context, request_id, status, since and until, paged by offset and limit"
        case .clearJournal: return "Removes every journal entry"
        case .verifyHits: return "Checks how often a fixture answered (times, at_least, at_most; in one context)"
        case .verifyUnmatched: return "Checks that no request (of a context) went unmatched"
        case .verifyCalls: return "Checks that a context made these calls in this order"
        case .openAPI: return "This document: every route the host serves"
        case .clock: return "The clock quotas count by: real or virtual, and the time it shows"
        case .usageAnalytics: return "Requests per day or hour, by endpoint (start_date, end_date, granularity, key)"
        case .summaryAnalytics: return "Calls this month and today, average response time, most used model, calls by endpoint (key)"
        case .metrics: return "Prometheus metrics: requests, durations, streams, quota rejections, script queue"
        case .verdicts: return "Per key and context: 429s got, retries made, and whether they waited for retry-after"
        case .advanceClock: return "Moves a virtual clock forward ({\"advance_ms\": N}), so quota windows open again at once"
        case .faultProfiles: return "Every context's fault profile"
        case .faultProfile: return "One context's fault profile"
        case .setFaultProfile:
            return "Gives one context its own faults, timing and seed ({\"seed\", \"faults\", \"timing\"}), counted afresh"
        case .removeFaultProfile: return "Returns a context to the configuration's faults and timing"
        case .dashboard: return "The dashboard: fixtures, the live journal, usage charts and a test panel (an HTML page)"
        case .dashboardAsset: return "One of the dashboard's files (app.js, app.css)"
        case .journalStream:
            return "Server-sent events: twice a second, the count of requests so far and the newest entries (at most 20)"
        case .quotaUse: return "Each listed key, its plan, and how much of each of the plan's limits it used in the window of now"
        }
    }

    /// The status a success answers with.
    var successStatus: Int {
        switch self {
        case .addFixture, .createFixture: return 201
        default: return 200
        }
    }

    /// The media types a request body may have, none when the endpoint reads no body. YAML's
    /// other names (`text/yaml`, ...) are taken too; the document names the usual one.
    var bodyMediaTypes: [String] {
        if readsFixture { return ["application/json", "application/yaml"] }
        return readsJSONBody ? ["application/json"] : []
    }

    /// Whether a request must carry a body: a reset without one resets every context.
    var requiresBody: Bool {
        readsFixture || self == .reorderFixtures || self == .verifyCalls || self == .advanceClock || self == .setFaultProfile
    }

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
        case .reorderFixtures:
            return [
                "type": "object", "required": ["order"],
                "properties": ["order": ["type": "array", "items": ["type": "string"]]],
                "additionalProperties": false,
            ]
        case .advanceClock:
            return [
                "type": "object", "required": ["advance_ms"],
                "properties": ["advance_ms": ["type": "integer", "minimum": 0, "maximum": 31_622_400_000]],
                "additionalProperties": false,
            ]
        case .verifyCalls:
            let call: JSONValue = [
                "type": "object",
                "properties": [
                    "fixture": ["type": "string"], "path": ["type": "string"], "model": ["type": "string"],
                    "operation": ["type": "string"], "status": ["type": "integer"],
                ],
                "additionalProperties": false,
            ]
            return [
                "type": "object", "required": ["calls"],
                "properties": [
                    "context": ["type": "string"], "calls": ["type": "array", "items": call], "exact": ["type": "boolean"],
                ],
                "additionalProperties": false,
            ]
        default:
            return ["type": "object"]
        }
    }
}
