import CLyrebirdPlugin

/// A plugin's responder callback, as registered. Immutable; the header lets respond run on
/// several threads at once.
final class PluginResponderTable: @unchecked Sendable {
    // @unchecked: see PluginProviderTable.
    let table: lyrebird_responder
    let registration: PluginRegistration

    init(_ table: lyrebird_responder, registration: PluginRegistration) {
        self.table = table
        self.registration = registration
    }
}
