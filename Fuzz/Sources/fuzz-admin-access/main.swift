import FuzzSupport
import Glibc
import LyrebirdBuiltinProviders
import LyrebirdHost
import LyrebirdPluginAPI

/// The admin guard through `LyrebirdHost.respond`: a request to an admin endpoint with a fuzzed
/// `Host` and `Origin`, on a host bound to loopback with one name in `admin_hosts` and one
/// origin in `admin_origins`. Each answer is checked against an oracle of its own, built on
/// libc's `inet_pton` (which reads only literal addresses): the request passes exactly when its
/// host is `localhost`, an IPv4 address in 127.0.0.0/8, `[::1]` or the listed name (with an
/// optional port of at most five digits up to 65535), and its origin is absent, the server's
/// own or the listed one.
let host: LyrebirdHost = {
    var configuration = HostConfiguration()
    configuration.adminHosts = ["mock.internal"]
    configuration.adminOrigins = ["http://dashboard.example:3000"]
    do {
        return try LyrebirdHost(configuration: configuration, providers: BuiltinProviders.all, logger: FuzzHosts.logger)
    } catch {
        fatalError("the harness's own configuration is wrong: \(error)")
    }
}()

/// Input: the `Host` value, then (after a newline) the `Origin` value, if any.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: inputBytes(data, size), as: UTF8.self)
    let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
    let hostValue = String(parts[0])
    let origin = parts.count > 1 ? String(parts[1]) : nil
    // Header values never hold these; the HTTP decoder refuses them before the guard sees them.
    guard !(hostValue + (origin ?? "")).contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else { return 0 }
    let request = WireRequest(
        method: .get, path: "/journal",
        headers: [Header(name: "host", value: hostValue)] + (origin.map { [Header(name: "origin", value: $0)] } ?? []))
    guard let response = blocking(timeoutSeconds: 30, { await host.respond(to: request) }) else {
        require(false, "the admin guard did not answer within 30 s")
        return 0
    }
    let lowered = hostValue.lowercased()
    let hostAllowed = lowered.isEmpty || expectedHostAllowed(lowered)
    let originAllowed =
        origin.map { origin in
            let lowered = origin.lowercased()
            let own = hostValue.lowercased()
            return lowered == "http://" + own || lowered == "https://" + own || lowered == "http://dashboard.example:3000"
        } ?? true
    let expected = hostAllowed && originAllowed ? 200 : 403
    require(
        response.status == expected,
        "host \(hostValue.debugDescription), origin \(String(describing: origin)): expected \(expected), got \(response.status) \(excerpt(response.body))"
    )
    if response.status == 403 {
        let code = (try? JSONValue.parse(response.body))?["error"]?["code"]?.stringValue
        require(code == (hostAllowed ? "admin_origin_refused" : "admin_host_refused"), "wrong refusal code \(String(describing: code))")
    }
    return 0
}

/// The oracle for a lowercased `Host` value.
func expectedHostAllowed(_ value: String) -> Bool {
    var name = Substring(value)
    var port: Substring?
    if name.hasPrefix("[") {
        guard let close = name.firstIndex(of: "]") else { return false }
        let rest = name[name.index(after: close)...]
        if !rest.isEmpty {
            guard rest.first == ":" else { return false }
            port = rest.dropFirst()
        }
        name = name[name.index(after: name.startIndex)..<close]
        guard portAllowed(port) else { return false }
        var address = in6_addr()
        guard inet_pton(AF_INET6, String(name), &address) == 1 else { return false }
        return withUnsafeBytes(of: &address) { Array($0) } == Array(repeating: 0, count: 15) + [1]
    }
    if let colon = name.firstIndex(of: ":") {
        port = name[name.index(after: colon)...]
        name = name[..<colon]
    }
    guard portAllowed(port) else { return false }
    if name == "localhost" || name == "mock.internal" { return true }
    var address = in_addr()
    guard inet_pton(AF_INET, String(name), &address) == 1 else { return false }
    return withUnsafeBytes(of: &address) { $0[0] } == 127
}

func portAllowed(_ port: Substring?) -> Bool {
    guard let port else { return true }
    guard (1...5).contains(port.count), port.allSatisfy({ $0 >= "0" && $0 <= "9" }), let number = Int(port) else { return false }
    return number <= 65535
}

runFuzzer(testOneInput)
