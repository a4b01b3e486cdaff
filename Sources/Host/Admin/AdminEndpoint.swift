import LyrebirdPluginAPI

/// The host's own endpoints, the same for every provider: under `/_lyrebird/`, and the older
/// paths (`/health`, `/fixtures`, `/journal`) where clients of earlier releases find them.
enum AdminEndpoint: Sendable, CaseIterable {
    case health
    case listFixtures
    case addFixture
    case deleteFixture
    case journal
    case fixtures
    case fixture
    case createFixture
    case replaceFixture
    case removeFixture
    case reorderFixtures
    case resetSequences
    case journalQuery
    case clearJournal
    case verifyHits
    case verifyUnmatched
    case verifyCalls
    case openAPI
    case clock
    case advanceClock
    case usageAnalytics
    case summaryAnalytics
    case verdicts
    case metrics
    case faultProfiles
    case faultProfile
    case setFaultProfile
    case removeFaultProfile
    case dashboard
    case dashboardAsset
    case journalStream
    case quotaUse

    var method: HTTPMethodName {
        switch self {
        case .health, .listFixtures, .journal, .fixtures, .fixture, .journalQuery, .verifyHits, .verifyUnmatched, .openAPI, .clock,
            .usageAnalytics, .summaryAnalytics, .verdicts, .metrics, .faultProfiles, .faultProfile, .dashboard, .dashboardAsset,
            .journalStream, .quotaUse:
            return .get
        case .addFixture, .createFixture, .reorderFixtures, .resetSequences, .verifyCalls, .advanceClock: return .post
        case .replaceFixture, .setFaultProfile: return .put
        case .deleteFixture, .removeFixture, .clearJournal, .removeFaultProfile: return .delete
        }
    }

    var path: String {
        switch self {
        case .health: return "/health"
        case .listFixtures, .addFixture: return "/fixtures"
        case .deleteFixture: return "/fixtures/{id}"
        case .journal: return "/journal"
        case .fixtures, .createFixture: return "/_lyrebird/fixtures"
        case .fixture, .replaceFixture, .removeFixture: return "/_lyrebird/fixtures/{id}"
        case .reorderFixtures: return "/_lyrebird/fixtures/order"
        case .resetSequences: return "/_lyrebird/sequences/reset"
        case .journalQuery, .clearJournal: return "/_lyrebird/journal"
        case .verifyHits: return "/_lyrebird/verify/fixtures/{id}"
        case .verifyUnmatched: return "/_lyrebird/verify/unmatched"
        case .verifyCalls: return "/_lyrebird/verify/calls"
        case .openAPI: return "/_lyrebird/openapi.json"
        case .clock, .advanceClock: return "/_lyrebird/clock"
        case .usageAnalytics: return "/analytics/usage"
        case .summaryAnalytics: return "/analytics/summary"
        case .verdicts: return "/_lyrebird/verdicts"
        case .metrics: return "/metrics"
        case .faultProfiles: return "/_lyrebird/faults"
        case .faultProfile, .setFaultProfile, .removeFaultProfile: return "/_lyrebird/faults/{context}"
        case .dashboard: return "/_lyrebird/ui"
        case .dashboardAsset: return "/_lyrebird/ui/{file}"
        case .journalStream: return "/_lyrebird/journal/stream"
        case .quotaUse: return "/_lyrebird/quotas"
        }
    }

    /// Whether the endpoint takes a body that must be JSON (`addFixture` and `createFixture`
    /// take YAML too; the others read no body).
    var readsJSONBody: Bool {
        switch self {
        case .reorderFixtures, .resetSequences, .verifyCalls, .advanceClock, .setFaultProfile: return true
        default: return false
        }
    }

    /// Whether the endpoint takes a fixture, as JSON or YAML.
    var readsFixture: Bool {
        switch self {
        case .addFixture, .createFixture, .replaceFixture: return true
        default: return false
        }
    }
}
