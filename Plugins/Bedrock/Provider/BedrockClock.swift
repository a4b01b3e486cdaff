import Foundation
import LyrebirdPluginAPI

/// Wall-clock time for the latencies Bedrock reports.
enum BedrockClock {
    /// Milliseconds since the request arrived (the reply context's creation), never negative.
    static func millisecondsSince(_ context: ReplyContext) -> Int {
        let now = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        return Int(max(0, now - context.createdMilliseconds))
    }
}
