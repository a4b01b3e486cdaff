import LyrebirdPluginAPI

/// The texts of one request that conditions test, each worked out once per request however many
/// fixtures look at it.
final class MatchSubject {
    let request: CanonicalRequest

    init(_ request: CanonicalRequest) {
        self.request = request
    }

    private(set) lazy var model = MatchText(request.model)
    private(set) lazy var lastUser = MatchText(request.lastUserText)
    private(set) lazy var system = MatchText(request.systemText)
}

/// A piece of request text and its lower-cased UTF-8, made on first use, for matchers that
/// ignore case.
final class MatchText {
    let text: String

    init(_ text: String) {
        self.text = text
    }

    private lazy var folded: [UInt8] = Array(text.lowercased().utf8)

    /// Whether the lower-cased text contains `needle`, which is lower-cased already.
    func containsFolded(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        let haystack = folded
        guard needle.count <= haystack.count else { return false }
        return haystack.withUnsafeBufferPointer { haystack in
            needle.withUnsafeBufferPointer { needle in
                let first = needle[0]
                let rest = UnsafeBufferPointer(rebasing: needle.dropFirst())
                var start = 0
                let lastStart = haystack.count - needle.count
                while start <= lastStart {
                    if haystack[start] == first && UnsafeBufferPointer(rebasing: haystack[(start + 1)...]).starts(with: rest) {
                        return true
                    }
                    start += 1
                }
                return false
            }
        }
    }
}
