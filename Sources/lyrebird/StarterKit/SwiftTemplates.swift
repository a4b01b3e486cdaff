/// The Swift starter packages: what both kinds share, then each kind's sources, tests and README.
enum SwiftTemplates {
    static let package = [
        "Package.swift": #"""
        // swift-tools-version:6.2
        import PackageDescription

        let package = Package(
            name: "{{NAME}}",
            platforms: [.macOS(.v15)],
            products: [
                // The plugin: lib{{MODULE}}.so, which `lyrebird serve --plugin` loads.
                .library(name: "{{MODULE}}", type: .dynamic, targets: ["{{MODULE}}"])
            ],
            dependencies: [
                {{LYREBIRD_DEPENDENCY}}
            ],
            targets: [
                // SwiftPM names a package dependency after the last component of its path or URL.
                .target(name: "{{MODULE}}", dependencies: [.product(name: "LyrebirdPluginAPI", package: {{LYREBIRD_PACKAGE}})]),
                .testTarget(name: "{{MODULE}}Tests", dependencies: ["{{MODULE}}"]),
            ]
        )

        """#,
        ".gitignore": """
        .build/
        Package.resolved

        """,
        "Tests/{{MODULE}}Tests/LyrebirdServer.swift": #"""
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
                let name = "lib{{MODULE}}.so"
                let folders = [
                    URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(), root.appendingPathComponent(".build/debug"),
                ]
                let paths = folders.map { $0.appendingPathComponent(name).path }
                return paths.first { FileManager.default.fileExists(atPath: $0) } ?? paths[1]
            }

            /// `$LYREBIRD_BIN`, or the lyrebird that wrote this package. A Swift plugin runs only in
            /// a host built by the same Swift compiler.
            static var executable: String {
                ProcessInfo.processInfo.environment["LYREBIRD_BIN"] ?? "{{LYREBIRD_EXECUTABLE}}"
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

        """#,
    ]

    static let provider = [
        "README.md": #"""
        # {{NAME}}: a Lyrebird provider plugin

        ```sh
        swift build      # builds .build/debug/lib{{MODULE}}.so
        swift test       # serves it with lyrebird serve and calls it over HTTP
        lyrebird serve --plugin .build/debug/lib{{MODULE}}.so --config fixtures.yaml
        ```

        Then, in another shell:

        ```sh
        curl -s localhost:8080/{{NAME}}/v1/generate -d '{"model": "demo", "prompt": "hello"}'
        curl -sN localhost:8080/{{NAME}}/v1/generate -d '{"model": "demo", "prompt": "hello", "stream": true}'
        curl -s localhost:8080/{{NAME}}/v1/models/{{NAME}}-small
        ```

        A provider is a wire format: it decodes requests into Lyrebird's canonical request and
        encodes canonical replies back; fixtures (`fixtures.yaml`), Lua scripts and responders
        choose the replies. This one:

        | Route | Answered by | What |
        | --- | --- | --- |
        | `POST /{{NAME}}/v1/generate` | fixtures | `{"model", "prompt", "stream"?}` -> `{"id", "model", "text", "finish_reason", "usage"}`, or with `"stream": true` server-sent events `text` ... `done` |
        | `GET /{{NAME}}/v1/models/{model}` | the provider | the model named by the path parameter, or a 404 |

        Errors take this format's shape: `{"error": {"message", "param"}}`, with the status.

        - `Sources/{{MODULE}}/{{MODULE}}Provider.swift`: routes, decoding, whole replies, errors, the model route.
        - `Sources/{{MODULE}}/{{MODULE}}StreamEncoder.swift`: the streamed reply.
        - `Sources/{{MODULE}}/Entry.swift`: the exported entry point.
        - `Tests/{{MODULE}}Tests/`: starts `lyrebird serve --plugin` and checks each route.

        Build with the Swift compiler that built your `lyrebird`: the host refuses a Swift plugin
        built by another one. The tests serve the plugin with the `lyrebird` that wrote this
        package; set `LYREBIRD_BIN` to use another. The guide: {{PLUGINS_GUIDE}}.

        """#,
        "Sources/{{MODULE}}/Entry.swift": #"""
        import LyrebirdPluginAPI

        /// The one symbol the host looks for. `LyrebirdPlugin.entry` declares the plugin, checks the
        /// host's ABI and registers the provider.
        @_cdecl("lyrebird_plugin_entry")
        public func lyrebirdPluginEntry(host: UnsafeRawPointer?, info: UnsafeMutableRawPointer?) -> Int32 {
            LyrebirdPlugin.entry(host: host, info: info, name: "{{NAME}}", version: "0.1.0") { setup in
                try setup.add({{MODULE}}Provider())
            }
        }

        """#,
        "Sources/{{MODULE}}/{{MODULE}}Provider.swift": #"""
        import LyrebirdPluginAPI

        /// The {{NAME}} wire format. It only translates: fixtures choose every reply.
        struct {{MODULE}}Provider: Provider {
            let name = "{{NAME}}"

            let routes = [
                // Decoded, answered from fixtures, then encoded; may stream (`"stream": true`).
                ProviderRoute(method: .post, path: "/{{NAME}}/v1/generate", operation: "{{NAME}}.generate", transports: [.http, .sse]),
                // Answered by `answer` below, with no fixtures; `{model}` is a path parameter.
                ProviderRoute(
                    method: .get, path: "/{{NAME}}/v1/models/{model}", operation: "{{NAME}}.model", transports: [.http],
                    answeredBy: .provider),
            ]

            /// Listed by the host's model lists, and in `HostInfo` for `answer`.
            let models = ["{{NAME}}-small"]

            /// `{"model": "...", "prompt": "...", "stream": false}` -> one user message. A problem
            /// becomes a 400 naming the parameter, in this format's error shape.
            func decode(_ request: WireRequest, route: ProviderRoute) throws(ReplyError) -> CanonicalRequest {
                let fields = try RequestFields(parsing: request.body)
                return CanonicalRequest(
                    operation: route.operation, model: try fields.requiredString("model"),
                    messages: [Message(role: .user, text: try fields.requiredString("prompt"))], stream: try fields.bool("stream") ?? false,
                    includeUsage: true, body: fields.body, headers: request.headers)
            }

            func encode(_ reply: CompletedReply, for request: CanonicalRequest, context: ReplyContext) -> WireResponse {
                let choice = reply.choices.first ?? CompletedReply.Choice(index: 0)
                var writer = JSONWriter()
                writer.object { writer in
                    writer.member("id", "gen_\(context.idSuffix)")
                    writer.member("model", context.model)
                    writer.member("text", choice.text)
                    writer.member("finish_reason", choice.finishReason.rawValue)
                    writer.member("usage", object: { writer in Self.write(reply.usage, into: &writer) })
                }
                return WireResponse(status: 200, body: writer.bytes)
            }

            func encode(_ error: ReplyError, for request: CanonicalRequest?, context: ReplyContext) -> WireResponse {
                var writer = JSONWriter()
                writer.object { writer in
                    writer.member(
                        "error",
                        object: { writer in
                            writer.member("message", error.message)
                            writer.member("param", error.param)
                        })
                }
                return WireResponse(status: error.status, body: writer.bytes)
            }

            func makeStreamEncoder(for request: CanonicalRequest, context: ReplyContext) -> any StreamEncoder {
                {{MODULE}}StreamEncoder(context: context)
            }

            /// `GET /{{NAME}}/v1/models/{model}`: the model if the host knows it, else a 404.
            func answer(_ request: WireRequest, route: ProviderRoute, host: HostInfo, context: ReplyContext) async -> WireResponse {
                let id = request.pathParameters["model"] ?? ""
                guard let model = host.models.first(where: { $0.id == id }) else {
                    return encode(ReplyError(status: 404, message: "There is no model '\(id)'.", param: "model"), for: nil, context: context)
                }
                var writer = JSONWriter()
                writer.object { writer in
                    writer.member("id", model.id)
                    writer.member("owned_by", model.ownedBy)
                }
                return WireResponse(status: 200, body: writer.bytes)
            }

            static func write(_ usage: Usage, into writer: inout JSONWriter) {
                writer.member("input_tokens", usage.promptTokens)
                writer.member("output_tokens", usage.completionTokens)
            }
        }

        """#,
        "Sources/{{MODULE}}/{{MODULE}}StreamEncoder.swift": #"""
        import LyrebirdPluginAPI

        /// A streamed reply as server-sent events: `event: text` for each piece of text, then
        /// `event: done` with the finish reason and the usage, which the host always sends last.
        struct {{MODULE}}StreamEncoder: StreamEncoder {
            let contentType = "text/event-stream"
            let context: ReplyContext
            private var finishReason = FinishReason.stop

            init(context: ReplyContext) {
                self.context = context
            }

            /// Sent with the response head: the host's request id under this format's own name.
            var headers: [Header] { [Header(name: "{{NAME}}-request-id", value: context.requestID)] }

            mutating func start() -> [UInt8] { [] }

            mutating func encode(_ event: ReplyEvent, choice: Int) -> [UInt8] {
                // This format has one choice, and no tool calls or embeddings.
                guard choice == 0 else { return [] }
                switch event {
                case .text(let text):
                    return Self.event("text") { writer in writer.member("text", text) }
                case .finish(let reason):
                    finishReason = reason
                    return []
                case .usage(let usage):
                    return Self.event("done") { writer in
                        writer.member("finish_reason", finishReason.rawValue)
                        writer.member("usage", object: { writer in {{MODULE}}Provider.write(usage, into: &writer) })
                    }
                case .error(let error):
                    return Self.event("error") { writer in writer.member("message", error.message) }
                case .toolCallStart, .toolCallArguments, .embedding:
                    return []
                @unknown default:
                    // An event a later 1.x release adds (docs/plugins.md, "The Swift layer's
                    // versions"): this format has no form for it.
                    return []
                }
            }

            mutating func finish() -> [UInt8] { [] }

            private static func event(_ name: String, _ members: (inout JSONWriter) -> Void) -> [UInt8] {
                var writer = JSONWriter()
                writer.object(members)
                return Array("event: \(name)\ndata: ".utf8) + writer.bytes + Array("\n\n".utf8)
            }
        }

        """#,
        "Tests/{{MODULE}}Tests/{{MODULE}}Tests.swift": #"""
        import Testing

        /// The plugin served by `lyrebird serve`, called over HTTP as a client calls it.
        @Suite struct {{MODULE}}Tests {
            @Test func answersFromFixtures() async throws {
                let server = try LyrebirdServer()
                defer { server.stop() }
                let (status, body) = try await server.send("POST", "/{{NAME}}/v1/generate", json: #"{"model": "demo", "prompt": "hello"}"#)
                #expect(status == 200, "\(body)")
                let reply = try LyrebirdServer.object(body)
                #expect(reply["text"] as? String == "Hello from {{NAME}}!")
                #expect(reply["finish_reason"] as? String == "stop")
                #expect((reply["id"] as? String)?.hasPrefix("gen_") == true)
            }

            @Test func streamsTextThenDone() async throws {
                let server = try LyrebirdServer()
                defer { server.stop() }
                let (status, body) = try await server.send(
                    "POST", "/{{NAME}}/v1/generate", json: #"{"model": "demo", "prompt": "hello", "stream": true}"#)
                #expect(status == 200)
                let events = LyrebirdServer.events(body)
                #expect(events.last?.event == "done")
                let texts = try events.filter { $0.event == "text" }.map { try LyrebirdServer.object($0.data)["text"] as? String ?? "" }
                #expect(texts.joined() == "Hello from {{NAME}}!")
            }

            @Test func namesTheParameterAtFault() async throws {
                let server = try LyrebirdServer()
                defer { server.stop() }
                let (status, body) = try await server.send("POST", "/{{NAME}}/v1/generate", json: #"{"model": "demo"}"#)
                #expect(status == 400)
                let error = try LyrebirdServer.object(body)["error"] as? [String: Any]
                #expect(error?["param"] as? String == "prompt")
            }

            @Test func fixtureErrorsTakeThisFormatsShape() async throws {
                let server = try LyrebirdServer()
                defer { server.stop() }
                let (status, body) = try await server.send("POST", "/{{NAME}}/v1/generate", json: #"{"model": "demo", "prompt": "fail"}"#)
                #expect(status == 429)
                let error = try LyrebirdServer.object(body)["error"] as? [String: Any]
                #expect(error?["message"] as? String == "slow down")
            }

            @Test func answersTheModelRouteItself() async throws {
                let server = try LyrebirdServer()
                defer { server.stop() }
                let (status, body) = try await server.send("GET", "/{{NAME}}/v1/models/{{NAME}}-small")
                #expect(status == 200, "\(body)")
                #expect(try LyrebirdServer.object(body)["owned_by"] as? String == "{{NAME}}")
                let missing = try await server.send("GET", "/{{NAME}}/v1/models/nothing")
                #expect(missing.status == 404)
            }
        }

        """#,
    ]

    static let responder = [
        "README.md": #"""
        # {{NAME}}: a Lyrebird responder plugin

        ```sh
        swift build      # builds .build/debug/lib{{MODULE}}.so
        swift test       # serves it with lyrebird serve and calls it over HTTP
        lyrebird serve --plugin .build/debug/lib{{MODULE}}.so --config fixtures.yaml
        ```

        Then, in another shell:

        ```sh
        curl -s localhost:8080/v1/chat/completions \
          -d '{"model": "demo", "messages": [{"role": "user", "content": "hello there"}]}'
        ```

        A responder computes replies that fixtures name (`reply: {responder: {{NAME}}, params:
        {...}}`); every wire format the host serves carries them, OpenAI's and Anthropic's alike.
        This one answers with the last user message in capitals, a word at a time, pausing
        `pause_ms` between words.

        - `Sources/{{MODULE}}/{{MODULE}}Responder.swift`: the responder.
        - `Sources/{{MODULE}}/Entry.swift`: the exported entry point.
        - `Tests/{{MODULE}}Tests/`: starts `lyrebird serve --plugin` and calls it, whole and streamed.

        Build with the Swift compiler that built your `lyrebird`: the host refuses a Swift plugin
        built by another one. The tests serve the plugin with the `lyrebird` that wrote this
        package; set `LYREBIRD_BIN` to use another. The guide: {{PLUGINS_GUIDE}}.

        """#,
        "Sources/{{MODULE}}/Entry.swift": #"""
        import LyrebirdPluginAPI

        /// The one symbol the host looks for. `LyrebirdPlugin.entry` declares the plugin, checks the
        /// host's ABI and registers the responder.
        @_cdecl("lyrebird_plugin_entry")
        public func lyrebirdPluginEntry(host: UnsafeRawPointer?, info: UnsafeMutableRawPointer?) -> Int32 {
            LyrebirdPlugin.entry(host: host, info: info, name: "{{NAME}}", version: "0.1.0") { setup in
                try setup.add({{MODULE}}Responder())
            }
        }

        """#,
        "Sources/{{MODULE}}/{{MODULE}}Responder.swift": #"""
        import LyrebirdPluginAPI

        /// Answers with the last user message in capitals, one word at a time.
        struct {{MODULE}}Responder: Responder {
            let name = "{{NAME}}"

            func respond(to request: CanonicalRequest, parameters: JSONValue, into sink: any ReplySink) async throws {
                let words = request.lastUserText.uppercased().split(separator: " ")
                guard !words.isEmpty else {
                    // Sent in the shape of the wire format the client speaks.
                    throw ReplyError(status: 400, message: "{{NAME}} needs a user message with words in it.", param: "messages")
                }
                let pause = parameters["pause_ms"]?.intValue ?? 0
                for (index, word) in words.enumerated() {
                    if index > 0 { await sink.pause(milliseconds: pause) }
                    // Once the client has gone away the task is cancelled: stop early.
                    if Task.isCancelled { return }
                    await sink.emit(.text(index == 0 ? String(word) : " " + word))
                }
                // The host adds the finish and the usage when a responder leaves them out.
            }
        }

        """#,
        "Tests/{{MODULE}}Tests/{{MODULE}}Tests.swift": #"""
        import Testing

        /// The responder served by `lyrebird serve`, called through the OpenAI chat route.
        @Suite struct {{MODULE}}Tests {
            static let hello = #"{"model": "demo", "messages": [{"role": "user", "content": "hello there"}]}"#

            @Test func answersWholeReplies() async throws {
                let server = try LyrebirdServer()
                defer { server.stop() }
                let (status, body) = try await server.send("POST", "/v1/chat/completions", json: Self.hello)
                #expect(status == 200, "\(body)")
                let choices = try LyrebirdServer.object(body)["choices"] as? [[String: Any]]
                let message = choices?.first?["message"] as? [String: Any]
                #expect(message?["content"] as? String == "HELLO THERE")
            }

            @Test func streamsAWordAtATime() async throws {
                let server = try LyrebirdServer()
                defer { server.stop() }
                let (status, body) = try await server.send(
                    "POST", "/v1/chat/completions", json: #"{"model": "demo", "stream": true, "messages": [{"role": "user", "content": "one two three"}]}"#)
                #expect(status == 200)
                let chunks = LyrebirdServer.events(body).filter { $0.data != "[DONE]" }
                let text = try chunks.map { chunk -> String in
                    let choices = try LyrebirdServer.object(chunk.data)["choices"] as? [[String: Any]]
                    return (choices?.first?["delta"] as? [String: Any])?["content"] as? String ?? ""
                }
                #expect(text.joined() == "ONE TWO THREE")
            }

            @Test func refusesARequestWithoutWords() async throws {
                let server = try LyrebirdServer()
                defer { server.stop() }
                let (status, body) = try await server.send(
                    "POST", "/v1/chat/completions", json: #"{"model": "demo", "messages": [{"role": "user", "content": " "}]}"#)
                #expect(status == 400)
                let error = try LyrebirdServer.object(body)["error"] as? [String: Any]
                #expect(error?["param"] as? String == "messages")
            }
        }

        """#,
    ]
}
