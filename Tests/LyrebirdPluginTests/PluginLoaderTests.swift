import Foundation
import LyrebirdBuiltinProviders
import LyrebirdHost
import LyrebirdPluginAPI
import Testing

/// Loads the shipped plugins through the real loader, as `lyrebird serve` does, and answers
/// requests through a socketless host.
@Suite struct PluginLoaderTests {
    /// The folder the build put the plugin libraries in: next to this test binary.
    static let buildFolder: String = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path,
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent(".build/debug").path,
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/libLyrebirdAnthropic.so") } ?? candidates[0]
    }()

    static let anthropic = PluginSpec(path: buildFolder + "/libLyrebirdAnthropic.so")
    static let wordStats = PluginSpec(path: buildFolder + "/libLyrebirdWordStats.so")
    static let gemini = PluginSpec(path: buildFolder + "/libLyrebirdGemini.so")

    static func host(plugins: [PluginSpec], fixtures: String) throws -> LyrebirdHost {
        let loaded = try PluginLoader.load(plugins, alongside: BuiltinProviders.all)
        let configuration = try HostConfiguration(yaml: fixtures)
        return try LyrebirdHost(configuration: configuration, providers: BuiltinProviders.all, plugins: loaded)
    }

    static func post(_ host: LyrebirdHost, _ path: String, _ body: String) async throws -> (WireResponse, JSONValue) {
        let response = await host.respond(to: WireRequest(method: .post, path: path, body: Array(body.utf8)))
        return (response, try JSONValue.parse(response.body))
    }

    @Test func theShippedPluginsDescribeThemselves() throws {
        let loaded = try PluginLoader.load([Self.anthropic, Self.wordStats])
        #expect(loaded.map(\.name) == ["anthropic-messages", "word-stats"])
        #expect(loaded.allSatisfy { $0.abiVersion == PluginLoader.hostABIVersion })
        #expect(loaded[0].providers.flatMap(\.routes).map(\.path) == ["/v1/messages", "/v1/messages/count_tokens"])
        #expect(loaded[1].responders.map(\.name) == ["word_stats"])
    }

    @Test func aSwiftPluginSaysWhichCompilerBuiltItAndACPluginDoesNot() throws {
        let loaded = try PluginLoader.load([Self.anthropic, Self.wordStats])
        // Built in this package by the compiler that built this test: the host's.
        #expect(loaded[0].swiftCompilerVersion == LyrebirdPlugin.swiftCompilerVersion)
        #expect(loaded[1].swiftCompilerVersion == nil)
        #expect(LyrebirdPlugin.swiftCompilerVersion.split(separator: ".").count == 3)
        #expect(LyrebirdPlugin.swiftCompilerVersion != "0.0.0", "the Swift compiler defined no __swift__")
    }

    @Test func theAnthropicPluginAnswersFromFixtures() async throws {
        let host = try Self.host(
            plugins: [Self.anthropic], fixtures: "fixtures:\n  - match: {user: hello}\n    reply: {content: \"Hi from a fixture\"}\n")
        let (response, json) = try await Self.post(
            host, "/v1/messages", #"{"model":"claude-test","max_tokens":50,"messages":[{"role":"user","content":"hello"}]}"#)
        #expect(response.status == 200)
        #expect(json["type"] == "message")
        #expect(json["content"]?.arrayValue?.first?["text"] == "Hi from a fixture")
        #expect(json["stop_reason"] == "end_turn")
        #expect(response.headers.contains { $0.name == "request-id" })
    }

    @Test func anthropicStreamsCarryTheRequestIDHeader() async throws {
        let host = try Self.host(plugins: [Self.anthropic], fixtures: "fixtures: []\n")
        let response = await host.respond(
            to: WireRequest(
                method: .post, path: "/v1/messages",
                body: Array(#"{"model":"claude-test","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"hi"}]}"#.utf8)))
        #expect(response.contentType == "text/event-stream")
        let requestID = response.headers.first { $0.name == "request-id" }?.value
        #expect(requestID?.hasPrefix("req_") == true)
        #expect(requestID == response.headers.first { $0.name == "x-request-id" }?.value)
        #expect(response.headers.contains(Header(name: "cache-control", value: "no-cache")))
    }

    @Test func healthListsThePlugins() async throws {
        let host = try Self.host(plugins: [Self.anthropic, Self.wordStats], fixtures: "fixtures: []\n")
        let response = await host.respond(to: WireRequest(method: .get, path: "/health"))
        let plugins = try #require(try JSONValue.parse(response.body)["plugins"]?.arrayValue)
        #expect(plugins.map { $0["name"] } == ["anthropic-messages", "word-stats"])
        #expect(plugins[0]["path"] == .string(Self.anthropic.path))
        #expect(plugins[0]["abi_version"] == .string(PluginLoader.hostABIVersion))
        #expect(plugins[0]["providers"] == ["anthropic.messages"])
        #expect(plugins[0]["responders"] == [])
        #expect(plugins[1]["responders"] == ["word_stats"])
    }

    @Test func aLibraryNamedAgainLoadsOnce() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("link-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let link = folder.appendingPathComponent("anthropic.so").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: Self.anthropic.path)
        let loaded = try PluginLoader.load([Self.anthropic, PluginSpec(path: link), Self.anthropic])
        #expect(loaded.map(\.file) == [Self.anthropic.path])
    }

    @Test func aLibraryNamedAgainWithAnotherConfigurationIsRefused() throws {
        let renamed = PluginSpec(path: Self.wordStats.path, configuration: ["responder_name": "counter"])
        let again = PluginSpec(path: Self.wordStats.path, configuration: ["responder_name": "other"])
        let loaded = try PluginLoader.load([renamed, Self.wordStats])
        #expect(loaded.map(\.file) == [Self.wordStats.path])
        #expect(loaded[0].responders.map(\.name) == ["counter"])
        #expect {
            _ = try PluginLoader.load([renamed, again])
        } throws: { error in
            "\(error)".contains("is named again with another configuration than where it is first named")
        }
    }

    @Test func decodeErrorsComeBackInAnthropicsShape() async throws {
        let host = try Self.host(plugins: [Self.anthropic], fixtures: "fixtures: []\n")
        let (response, json) = try await Self.post(host, "/v1/messages", #"{"model":"claude-test","messages":[]}"#)
        #expect(response.status == 400)
        #expect(json["type"] == "error")
        #expect(json["error"]?["type"] == "invalid_request_error")
        #expect(json["error"]?["message"] == "max_tokens: Field required")
    }

    @Test func theCResponderGetsItsParametersAndComputesTheReply() async throws {
        let host = try Self.host(
            plugins: [Self.wordStats],
            fixtures: "fixtures:\n  - reply: {responder: word_stats, params: {prefix: \">> \", uppercase: true}}\n")
        let (response, json) = try await Self.post(
            host, "/v1/chat/completions", #"{"model":"m","messages":[{"role":"user","content":"one two  three"}]}"#)
        #expect(response.status == 200)
        #expect(json["choices"]?.arrayValue?.first?["message"]?["content"] == ">> Words: 3. Characters: 14. Reversed: THREE TWO ONE")
    }

    @Test func aCPluginReadsRequestsWhoseBodyNestsToTheLimit() async throws {
        let host = try Self.host(plugins: [Self.wordStats], fixtures: "fixtures:\n  - reply: {responder: word_stats}\n")
        // The body object and 127 arrays: as deep as a client may send, one level less than the
        // canonical request the plugin reads it in.
        let deep =
            String(repeating: "[", count: JSONValue.defaultMaximumDepth - 1)
            + String(repeating: "]", count: JSONValue.defaultMaximumDepth - 1)
        let (response, json) = try await Self.post(
            host, "/v1/chat/completions", #"{"model":"m","messages":[{"role":"user","content":"one two"}],"deep":"# + deep + "}")
        #expect(response.status == 200)
        #expect(json["choices"]?.arrayValue?.first?["message"]?["content"] == "Words: 2. Characters: 7. Reversed: two one")
    }

    @Test func pluginConfigurationReachesThePlugin() throws {
        let renamed = PluginSpec(path: Self.wordStats.path, configuration: ["responder_name": "counter"])
        let loaded = try PluginLoader.load([renamed])
        #expect(loaded[0].responders.map(\.name) == ["counter"])
    }

    @Test func aRouteTakenByABuiltinStopsTheLoadNamingBothSides() {
        #expect {
            _ = try PluginLoader.load([Self.anthropic], alongside: BuiltinProviders.all + [ClaimsMessages()])
        } throws: { error in
            let text = "\(error)"
            return text.contains("POST /v1/messages, which is already taken by builtin provider \"claims-messages\"")
                && text.contains(Self.anthropic.path)
                && text.contains("host plugin ABI \(PluginLoader.hostABIVersion), plugin ABI \(PluginLoader.hostABIVersion)")
        }
    }

    @Test func aConditionalProviderRouteMaySharePathsWithABuiltinOne() async throws {
        // The Gemini plugin serves `GET /v1/models` only to requests with Google's credentials;
        // OpenAI's builtin model list serves the rest.
        let host = try Self.host(plugins: [Self.gemini], fixtures: "fixtures: []")
        let google = await host.respond(
            to: WireRequest(method: .get, path: "/v1/models", headers: [Header(name: "x-goog-api-key", value: "k")]))
        #expect(try JSONValue.parse(google.body)["models"] != nil)
        let openAI = await host.respond(to: WireRequest(method: .get, path: "/v1/models"))
        #expect(try JSONValue.parse(openAI.body)["object"] == "list")
        // The same conditions twice are still taken.
        #expect {
            _ = try PluginLoader.load([Self.gemini], alongside: BuiltinProviders.all + [ClaimsGeminiModels()])
        } throws: { error in
            "\(error)".contains("claims GET /v1/models, which is already taken by builtin provider \"claims-gemini-models\"")
        }
    }

    @Test func aFileThatIsNotALibraryIsRefusedByName() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-plugin-\(UUID().uuidString).so").path
        try Data("hello".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect {
            _ = try PluginLoader.load([PluginSpec(path: path)])
        } throws: { error in
            "\(error)".contains("plugin \(path): not a loadable shared library") && "\(error)".contains("plugin ABI unknown")
        }
    }

    @Test func aFolderLoadsEveryLibraryInIt() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plugins-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // Copies under new names: dlopen of a path already loaded would return the same image.
        try FileManager.default.copyItem(atPath: Self.wordStats.path, toPath: folder.appendingPathComponent("b-words.so").path)
        try Data().write(to: folder.appendingPathComponent("README.txt"))
        let loaded = try PluginLoader.load([PluginSpec(path: folder.path)])
        #expect(loaded.map(\.file) == [folder.appendingPathComponent("b-words.so").path])
    }
}

/// A provider that holds `GET /v1/models` for the requests with Google's credentials, as the
/// Gemini plugin does.
private struct ClaimsGeminiModels: Provider {
    let name = "claims-gemini-models"
    let routes = [
        ProviderRoute(
            method: .get, path: "/v1/models", operation: "models", transports: [.http], answeredBy: .provider,
            onlyWith: [.queryItem("key"), .header("x-goog-api-key")])
    ]

    func decode(_ request: WireRequest, route: ProviderRoute) throws(ReplyError) -> CanonicalRequest {
        CanonicalRequest(operation: route.operation, model: "m", messages: [])
    }

    func encode(_ reply: CompletedReply, for request: CanonicalRequest, context: ReplyContext) -> WireResponse {
        WireResponse(status: 200, body: [])
    }

    func makeStreamEncoder(for request: CanonicalRequest, context: ReplyContext) -> any StreamEncoder {
        ChatCompletionsProvider().makeStreamEncoder(for: request, context: context)
    }

    func encode(_ error: ReplyError, for request: CanonicalRequest?, context: ReplyContext) -> WireResponse {
        WireResponse(status: error.status, body: [])
    }
}

/// A provider that holds `POST /v1/messages`, standing for a builtin that got there first.
private struct ClaimsMessages: Provider {
    let name = "claims-messages"
    let routes = [ProviderRoute(method: .post, path: "/v1/messages", operation: "messages")]

    func decode(_ request: WireRequest, route: ProviderRoute) throws(ReplyError) -> CanonicalRequest {
        CanonicalRequest(operation: route.operation, model: "m", messages: [])
    }

    func encode(_ reply: CompletedReply, for request: CanonicalRequest, context: ReplyContext) -> WireResponse {
        WireResponse(status: 200, body: [])
    }

    func makeStreamEncoder(for request: CanonicalRequest, context: ReplyContext) -> any StreamEncoder {
        ChatCompletionsProvider().makeStreamEncoder(for: request, context: context)
    }

    func encode(_ error: ReplyError, for request: CanonicalRequest?, context: ReplyContext) -> WireResponse {
        WireResponse(status: error.status, body: error.openAIShapeBody)
    }
}
