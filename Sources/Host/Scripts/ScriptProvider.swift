import LyrebirdPluginAPI

/// A provider with work that runs on a host's script threads (a plugin's `answer`, which may
/// block). A host hands each such provider its `ScriptRuntime` before serving it.
protocol ScriptProvider: Provider {
    /// This provider, running its blocking calls on `runtime`'s threads.
    func running(on runtime: ScriptRuntime) -> any Provider
}
