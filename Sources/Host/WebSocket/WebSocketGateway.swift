import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import LyrebirdPluginAPI
import NIOCore
import NIOHTTP1

/// Decides which upgrade requests become WebSocket connections: those to the path of a route
/// whose transports include `.websocket`. Any other upgrade is refused with an HTTP error in
/// the shape of the provider whose route lies at that path (400 `websocket_not_supported`), or
/// a 404 when no route does.
struct WebSocketGateway: Sendable {
    let routes: RouteTable<HostResponder.Handler>
    let pipeline: Pipeline
    let limits: WebSocketLimits

    /// An HTTP/1.1 connection's channel, with WebSocket upgrades decided here. Each WebSocket
    /// tells `limiter` when it runs requests and when it is idle.
    func channel(responder: @escaping HTTPChannelHandler.Responder, limiter: ConnectionLimiter?) -> HTTP1WebSocketUpgradeChannel {
        // A message may be as large as a request body, in one frame or several. Text that is not
        // UTF-8 closes the connection with 1007, as RFC 6455 §8.1 asks.
        let webSocket = WebSocketServerConfiguration(maxFrameSize: limits.maxMessageBytes, validateUTF8: true)
        return HTTP1WebSocketUpgradeChannel(responder: responder, configuration: .init(ws: webSocket)) { head, channel, _ in
            try await shouldUpgrade(head, channel: channel, slot: limiter?.slot(for: channel))
        }
    }

    func shouldUpgrade(_ head: HTTPRequest, channel: any Channel, slot: ConnectionSlot?) async throws
        -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>>
    {
        let target = head.path ?? "/"
        let path = String(target.prefix(while: { $0 != "?" }))
        let query = target.count > path.count ? String(target.dropFirst(path.count + 1)) : ""
        var headers: [Header] = []
        if let authority = head.authority { headers.append(Header(name: "host", value: authority)) }
        for field in head.headerFields { headers.append(Header(name: field.name.canonicalName, value: field.value)) }

        let found = routes.routes(at: path)
        var owner: (any Provider)?
        for (handler, parameters) in found {
            guard case .provider(let provider, let route) = handler else { continue }
            guard route.transports.contains(.websocket) else {
                owner = owner ?? provider
                continue
            }
            let session = WebSocketSession(
                provider: provider, route: route,
                upgrade: WireRequest(method: route.method, path: path, query: query, headers: headers, pathParameters: parameters),
                pipeline: pipeline, limits: limits, slot: slot)
            return .upgrade([:]) { inbound, outbound, _ in
                try await session.run(inbound: inbound, outbound: outbound)
            }
        }

        let requestID = Identifiers.requestID()
        let error =
            found.isEmpty
            ? ReplyError.unknownURL("GET", path)
            : ReplyError(
                status: 400, message: "\(path) does not take WebSocket connections; send the request over HTTP.",
                type: "invalid_request_error", code: "websocket_not_supported")
        pipeline.recordUnrouted(WireRequest(method: .get, path: path, query: query, headers: headers), requestID: requestID, error: error)
        let context = ReplyContext.fresh(requestID: requestID)
        let response = owner.map { $0.encode(error, for: nil, context: context) } ?? AdminAPI.errorResponse(error)
        try await refuse(with: response, requestID: requestID, on: channel)
        return .dontUpgrade
    }

    /// Writes the refusal before the library's own bodiless 400 for a refused upgrade, which
    /// follows it and closes the connection: the client reads this one, which says
    /// `connection: close`, and ignores what comes after. (Closing the channel here instead
    /// makes the library log an error for every refusal.)
    private func refuse(with response: WireResponse, requestID: String, on channel: any Channel) async throws {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: response.contentType)
        for header in response.headers { headers.add(name: header.name, value: header.value) }
        headers.add(name: "x-request-id", value: requestID)
        headers.add(name: "content-length", value: String(response.body.count))
        headers.add(name: "connection", value: "close")
        let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
        channel.write(HTTPServerResponsePart.head(head), promise: nil)
        channel.write(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: response.body))), promise: nil)
        try await channel.writeAndFlush(HTTPServerResponsePart.end(nil))
    }
}
