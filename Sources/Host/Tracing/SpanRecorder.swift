/// Turns what the journal recorded of a request into a span, and sends it on.
///
/// The journal calls `record` once per request, as the request ends; a recorder must not
/// wait there (the exporter sends spans in batches, off the request's path).
protocol SpanRecorder: Sendable {
    /// Sends the span of one finished request.
    func record(_ span: RequestSpan)
}
