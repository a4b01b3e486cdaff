import Foundation
import Logging
import LyrebirdHost

/// The plugins `serve`, `validate` and `plugins` load unless given `--no-default-plugins`: those
/// that ship with Lyrebird and serve what its README promises. WordStats and LuaGeo are examples
/// and are not among them.
enum DefaultPlugins {
    /// A default plugin: its library file, and what goes unserved without it.
    struct Library {
        let file: String
        let serves: String
    }

    static let libraries = [
        Library(file: "libLyrebirdAnthropic.so", serves: "Anthropic Messages, POST /v1/messages"),
        Library(file: "libLyrebirdGemini.so", serves: "Google Gemini, POST /v1beta/models/{model}:generateContent and the rest"),
        Library(file: "libLyrebirdOllama.so", serves: "Ollama, POST /api/chat, /api/generate and the rest"),
        Library(file: "libLyrebirdBedrock.so", serves: "AWS Bedrock Runtime, POST /model/{modelId}/converse and the rest"),
    ]

    /// Where the libraries are looked for, in order: the folder of the `lyrebird` executable,
    /// where `swift build` puts them, then `../lib/lyrebird/plugins` from it, where
    /// `scripts/install.sh` puts them. Links are resolved first, so a `lyrebird` reached through
    /// a link in `PATH` finds the plugins of its own install.
    static func folders(executable: URL) -> [URL] {
        let bin = executable.resolvingSymlinksInPath().deletingLastPathComponent()
        return [bin, bin.deletingLastPathComponent().appendingPathComponent("lib/lyrebird/plugins")]
    }

    /// The default plugins that are there. One that is not (a build of the executable alone)
    /// is logged and left out; the host serves everything else.
    static func specs(logger: Logger) -> [PluginSpec] {
        guard let executable = Bundle.main.executableURL else {
            logger.warning("the lyrebird executable cannot find itself, so it loads no default plugins")
            return []
        }
        let folders = folders(executable: executable)
        return libraries.compactMap { library in
            for folder in folders {
                let path = folder.appendingPathComponent(library.file).path
                if FileManager.default.fileExists(atPath: path) { return PluginSpec(path: path) }
            }
            let places = folders.map(\.path).joined(separator: " or ")
            logger.warning("default plugin \(library.file) is not in \(places); \(library.serves) is not served")
            return nil
        }
    }
}
