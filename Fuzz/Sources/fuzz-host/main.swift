import Foundation
import FuzzSupport
import LyrebirdHost
import LyrebirdPluginAPI

/// The whole host without a socket: fuzzed requests (method, path, headers, body) through
/// `LyrebirdHost.respond`, with every provider (the Anthropic, Gemini and Ollama plugins'), the admin
/// endpoints, and the fixtures of `Fuzz/fixtures.yaml`. Every response must be well formed,
/// and the only 5xx allowed is the one a fixture declares.
let fixturesFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../fixtures.yaml")
let host = FuzzHosts.make(yaml: try! String(contentsOf: fixturesFile, encoding: .utf8))
let declaredMarker = "declared by the fixture"

/// Input: a request in a small HTTP-like text form, so that seeds read as what they are and
/// the fuzzer mutates paths and headers as freely as bodies:
///
///     POST /v1/chat/completions
///     content-type: application/json
///
///     {"model": ...}
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let request = parse(inputBytes(data, size)) else { return 0 }
    // The file's own fixtures stay, so that one input never changes the next.
    if request.method == .delete,
        host.fixtures.all.contains(where: { "/fixtures/" + $0.id == request.path.removingPercentEncoding ?? request.path })
    {
        return 0
    }
    let response = send(request)
    // Fixtures the fuzzer adds are removed at once, for the same reason.
    if request.method == .post, request.path == "/fixtures", response.status == 201,
        let id = (try? JSONValue.parse(response.body))?["id"]?.stringValue
    {
        // Percent-encoded, as a client sends an id with reserved characters.
        let path = "/fixtures/" + (id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? id)
        let removed = send(WireRequest(method: .delete, path: path))
        require(removed.status == 200, "deleting the fixture \(id) just added answered \(removed.status)")
    }
    return 0
}

/// The request line, header lines up to an empty line, and the body.
func parse(_ bytes: [UInt8]) -> WireRequest? {
    let newline = UInt8(ascii: "\n")
    var lines: [String] = []
    var index = 0
    while index < bytes.count {
        let end = bytes[index...].firstIndex(of: newline) ?? bytes.count
        let line = String(decoding: bytes[index..<end], as: UTF8.self)
        index = end + 1
        if line.isEmpty { break }
        lines.append(line)
    }
    guard let requestLine = lines.first?.split(separator: " ", maxSplits: 1), requestLine.count == 2,
        let method = HTTPMethodName(rawValue: String(requestLine[0]))
    else { return nil }
    let target = requestLine[1].split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
    let headers = lines.dropFirst().compactMap { line -> Header? in
        guard let colon = line.firstIndex(of: ":") else { return nil }
        return Header(name: line[..<colon].lowercased(), value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
    }
    return WireRequest(
        method: method, path: String(target[0]), query: target.count > 1 ? String(target[1]) : "", headers: headers,
        body: index < bytes.count ? Array(bytes[index...]) : [])
}

func send(_ request: WireRequest) -> WireResponse {
    let response = blocking { await host.respond(to: request) }!
    WireChecks.requireWellFormed(response, request: request.body)
    if response.status >= 500 {
        let message = WireChecks.errorMessage(response.body) ?? ""
        require(
            message.contains(declaredMarker),
            "\(request.method.rawValue) \(request.path) answered \(response.status) (\(message)) for \(excerpt(request.body))")
    }
    return response
}

runFuzzer(testOneInput)
