import LyrebirdPluginAPI

/// The contract of every provider's request decoder, on any bytes at all.
public enum DecoderCheck {
    /// Decodes `body` as a request to `route`: it must either give a canonical request that
    /// survives the trip across the plugin ABI unchanged (every request reaches plugin
    /// responders that way), or refuse with a client error that says what is wrong.
    public static func requireContract(_ provider: any Provider, route: ProviderRoute, body: [UInt8]) {
        let request = WireRequest(
            method: route.method, path: route.path, headers: [Header(name: "content-type", value: "application/json")], body: body)
        let canonical: CanonicalRequest
        do {
            canonical = try provider.decode(request, route: route)
        } catch {
            require((400..<500).contains(error.status), "\(provider.name) refused with status \(error.status): \(error.message)")
            require(!error.message.isEmpty, "\(provider.name) refused without a message")
            return
        }
        do {
            let crossed = try PluginJSON.decode(CanonicalRequest.self, from: PluginJSON.requestBytes(canonical))
            require(
                ABIForm.same(crossed, canonical),
                "\(provider.name): the canonical request changed crossing the plugin ABI: \(excerpt(body))")
        } catch {
            require(false, "\(provider.name): the canonical request does not cross the plugin ABI: \(error.message)")
        }
    }
}
