// A bare Hummingbird 2 server for bench/run.sh: POST /v1/chat/completions reads the whole request
// body, as a real server must, and answers with the bytes of a file given at start. Everything
// Lyrebird does beyond this (decoding, matching, encoding, journal) is what the benchmark measures.
//
//     bare-hummingbird PORT RESPONSE_FILE
import Foundation
import Hummingbird

let arguments = CommandLine.arguments
guard arguments.count == 3, let port = Int(arguments[1]), let reply = FileManager.default.contents(atPath: arguments[2])
else {
    FileHandle.standardError.write(Data("usage: bare-hummingbird PORT RESPONSE_FILE\n".utf8))
    exit(2)
}
let replyBuffer = ByteBuffer(bytes: reply)

let router = Router()
router.post("v1/chat/completions") { request, context -> Response in
    _ = try await request.body.collect(upTo: 4 << 20)
    return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: replyBuffer))
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
