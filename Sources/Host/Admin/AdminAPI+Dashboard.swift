import LyrebirdPluginAPI

extension AdminAPI {
    /// The live journal's events, or why it cannot open.
    func journalStream() -> Result<JournalStreams.Stream, ReplyError> {
        journalStreams.stream()
    }

    /// One of the dashboard's files, compiled into the host: no network at run time.
    func dashboardFile(_ name: String) -> WireResponse {
        guard dashboardEnabled else {
            return Self.errorResponse(
                ReplyError(
                    status: 404, message: "The dashboard is off (settings.dashboard: false).", type: "invalid_request_error",
                    code: "dashboard_off"))
        }
        guard let file = DashboardFiles.all[name] else {
            return Self.errorResponse(
                ReplyError(
                    status: 404, message: "The dashboard has no file \(name.debugDescription).", type: "invalid_request_error",
                    code: "not_found"))
        }
        return WireResponse(
            status: 200,
            headers: [
                // The page runs its own script and style only, and talks to this host alone.
                Header(
                    name: "content-security-policy",
                    value: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'"),
                Header(name: "x-content-type-options", value: "nosniff"),
                Header(name: "cache-control", value: "no-cache"),
            ], contentType: file.contentType, body: file.bytes)
    }
}
