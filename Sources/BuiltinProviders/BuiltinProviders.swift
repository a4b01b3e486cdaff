import LyrebirdPluginAPI

/// The default provider set: what makes Lyrebird a drop-in OpenAI-compatible server.
public enum BuiltinProviders {
    /// Every builtin provider, ready to hand to a host.
    public static var all: [any Provider] {
        [ChatCompletionsProvider(), ResponsesProvider(), EmbeddingsProvider(), CompletionsProvider(), ModelsProvider()]
    }
}
