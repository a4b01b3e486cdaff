import CLyrebirdPlugin
import LyrebirdPluginAPI

/// A plugin's provider callbacks, as registered. Immutable; the plugin promises (see the
/// header) that the callbacks may run on any thread, several at once.
final class PluginProviderTable: @unchecked Sendable {
    // @unchecked: `table` holds C function pointers and the plugin's context, never changed
    // after registration; the header makes the plugin responsible for their thread safety.
    let table: lyrebird_provider
    let registration: PluginRegistration
    /// The ABI minor the plugin was built for: what it may be sent (a 1.0 plugin knows no
    /// reasoning events).
    let abiMinor: Int

    init(_ table: lyrebird_provider, registration: PluginRegistration, abiMinor: Int) {
        self.table = table
        self.registration = registration
        self.abiMinor = abiMinor
    }

    /// Whether the plugin's encoders may be sent `event`: reply event types that came after the
    /// ABI the plugin was built for are left out, as a provider without them would show nothing.
    func understands(_ event: ReplyEvent) -> Bool {
        switch event {
        case .reasoning, .redactedReasoning: return abiMinor >= 1
        default: return true
        }
    }
}
