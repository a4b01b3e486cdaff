import CLyrebirdPlugin

/// A plugin's provider callbacks, as registered. Immutable; the plugin promises (see the
/// header) that the callbacks may run on any thread, several at once.
final class PluginProviderTable: @unchecked Sendable {
    // @unchecked: `table` holds C function pointers and the plugin's context, never changed
    // after registration; the header makes the plugin responsible for their thread safety.
    let table: lyrebird_provider
    let registration: PluginRegistration

    init(_ table: lyrebird_provider, registration: PluginRegistration) {
        self.table = table
        self.registration = registration
    }
}
