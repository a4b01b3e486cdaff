import LyrebirdPluginAPI

/// A responder whose work runs on a host's script threads. A host hands each such responder,
/// and each fixture's, its `ScriptRuntime` before using it.
protocol ScriptResponder: Responder {
    /// This responder, running on `runtime`'s threads with its settings.
    func running(on runtime: ScriptRuntime) -> any Responder
}
