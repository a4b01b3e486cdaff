import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `lyrebird serve` with this package's plugin and `fixtures.yaml` on a free port, as a
/// user runs it; requests go to it over HTTP.
final class LyrebirdServer {
    enum Failure: Error {
        case exited
        case noURL(String)
    }

    let url: String
    private let process = Process()

    /// The package's folder.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The plugin library the build made, next to the test binary.
    static var library: String {
        let name = "libMyPlugin.so"
        let folders = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(), root.appendingPathComponent(".build/debug"),
        ]
        let paths = folders.map { $0.appendingPathComponent(name).path }
        return paths.first { FileManager.default.fileExists(atPath: $0) } ?? paths[1]
    }

    /// `$LYREBIRD_BIN`, or the lyrebird that wrote this package. A Swift plugin runs only in
    /// a host built by the same Swift compiler.
    static var executable: String {
        ProcessInfo.processInfo.environment["LYREBIRD_BIN"] ?? "/usr/local/bin/lyrebird"
    }

    init() throws {
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = [
            "serve", "--port", "0", "--no-default-plugins", "--plugin", Self.library,
            "--config", Self.root.appendingPathComponent("fixtures.yaml").path,
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        // `listening on URL` once it accepts connections; when the plugin does not load, the
        // server exits instead, and says why on standard error.
        var text = ""
        while !text.contains("\n") {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw Failure.exited }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }) else {
            throw Failure.noURL(text)
        }
        url = String(line.dropFirst("listening on ".count))
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }

    /// Sends a request with a JSON body (if any) and returns the status and body.
    func send(_ method: String, _ path: String, json: String? = nil) async throws -> (status: Int, body: String) {
        var request = URLRequest(url: URL(string: url + path)!)
        request.httpMethod = method
        if let json {
            request.httpBody = Data(json.utf8)
            request.setValue("application/json", forHTTPHeaderField: "content-type")
        }
        let (body, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: body, as: UTF8.self))
    }

    /// `text` as a JSON object.
    static func object(_ text: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw Failure.noURL("not a JSON object: \(text)")
        }
        return object
    }

    /// The events of a server-sent event stream, as (event name, data) pairs.
    static func events(_ stream: String) -> [(event: String, data: String)] {
        stream.components(separatedBy: "\n\n").compactMap { block in
            var event = "message"
            var data: String?
            for line in block.split(separator: "\n") {
                if line.hasPrefix("event: ") { event = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data = String(line.dropFirst(6)) }
            }
            return data.map { (event, $0) }
        }
    }
}
