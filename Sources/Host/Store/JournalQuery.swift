/// Which journal entries to read: every condition given must hold; then a page of them.
public struct JournalQuery: Sendable, Equatable {
    /// The request path, exactly.
    public var path: String?
    /// Where the reply came from: a fixture id, `default`, `mock_response`, `none`, `provider`.
    public var source: String?
    /// The context id.
    public var context: String?
    /// The request id (`req_...`).
    public var requestID: String?
    /// The HTTP status.
    public var status: Int?
    /// Entries at or after this time (Unix seconds).
    public var since: Double?
    /// Entries before this time (Unix seconds).
    public var until: Double?
    /// How many of the selected entries, oldest first, to skip.
    public var offset: Int = 0
    /// The most entries to return.
    public var limit: Int = 100

    public init(
        path: String? = nil, source: String? = nil, context: String? = nil, requestID: String? = nil, status: Int? = nil,
        since: Double? = nil, until: Double? = nil, offset: Int = 0, limit: Int = 100
    ) {
        self.path = path
        self.source = source
        self.context = context
        self.requestID = requestID
        self.status = status
        self.since = since
        self.until = until
        self.offset = offset
        self.limit = limit
    }
}

/// A page of journal entries and how many the query selects in all.
public struct JournalPage: Sendable {
    /// The page's entries, oldest first.
    public var entries: [JournalEntry]
    /// How many entries the query selects, on every page.
    public var total: Int
}
