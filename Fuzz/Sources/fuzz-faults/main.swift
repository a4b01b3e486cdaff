import FuzzSupport
import LyrebirdBuiltinProviders
import LyrebirdPluginAPI

@testable import LyrebirdHost

/// The fault stage's readers on any text: the `x-lyrebird-fault` header (a kind's name, or a
/// fault in JSON or YAML flow) and a context's profile, read directly and through
/// `PUT /_lyrebird/faults/{context}` on a host. Each accepts, or refuses with at least one
/// problem (the endpoint with a 400); a fault it accepts has a rate from 0 to 1 and says what
/// it is; nothing traps or hangs.
let host: LyrebirdHost = {
    do {
        return try LyrebirdHost(configuration: HostConfiguration(), providers: BuiltinProviders.all, logger: FuzzHosts.logger)
    } catch {
        fatalError("the harness's own configuration is wrong: \(error)")
    }
}()

/// Input: the header's value, then (after a newline) a profile's body.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: inputBytes(data, size), as: UTF8.self)
    let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
    switch Fault.parse(header: String(parts[0])) {
    case .success(let fault):
        require((0...1).contains(fault.rate), "a fault with rate \(fault.rate)")
        require(!fault.summary.isEmpty, "a fault that says nothing of itself")
    case .failure(let error):
        require(!error.problems.isEmpty, "a header refused without a problem")
    }
    guard parts.count > 1 else { return 0 }
    let body = String(parts[1])
    var decoder = ConfigDecoder(file: "<fuzz>")
    if decoder.decodeProfile(body) == nil {
        require(!decoder.problems.isEmpty, "a profile refused without a problem")
    }
    let request = WireRequest(
        method: .put, path: "/_lyrebird/faults/fuzz", headers: [Header(name: "content-type", value: "application/json")],
        body: Array(body.utf8))
    guard let response = blocking(timeoutSeconds: 30, { await host.respond(to: request) }) else {
        require(false, "PUT /_lyrebird/faults did not answer within 30 s")
        return 0
    }
    require([200, 400].contains(response.status), "PUT /_lyrebird/faults answered \(response.status)")
    return 0
}

runFuzzer(testOneInput)
