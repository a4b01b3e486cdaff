/// The dashboard's files, compiled into the host so that it serves them with no network and no
/// files beside the binary. Each lives in its own `Dashboard+*.swift` as a raw string.
enum DashboardFiles {
    struct File: Sendable {
        let contentType: String
        let bytes: [UInt8]
    }

    static let all: [String: File] = [
        "index.html": File(contentType: "text/html; charset=utf-8", bytes: Array(page.utf8)),
        "app.css": File(contentType: "text/css; charset=utf-8", bytes: Array(style.utf8)),
        "app.js": File(contentType: "text/javascript; charset=utf-8", bytes: Array(script.utf8)),
    ]
}
