import LyrebirdPluginAPI

extension AdminAPI {
    /// `GET /_lyrebird/faults`: every context's profile.
    func listFaultProfiles() -> WireResponse {
        let profiles = faults.allProfiles
        return Self.json { writer in
            writer.member("object", "list")
            writer.member(
                "data",
                array: { writer in
                    for (context, profile) in profiles { Self.write(profile, of: context, into: &writer) }
                })
        }
    }

    /// `GET /_lyrebird/faults/{context}`: one context's profile.
    func faultProfile(_ context: String) -> WireResponse {
        guard let profile = faults.profile(for: context) else { return Self.errorResponse(Self.noProfile(context)) }
        var writer = JSONWriter()
        Self.write(profile, of: context, into: &writer)
        return WireResponse(status: 200, body: writer.bytes)
    }

    /// `PUT /_lyrebird/faults/{context} {"seed"?, "faults"?, "timing"?}`: the context's own
    /// faults and timing in place of the configuration's, its counts started again.
    func setFaultProfile(_ context: String, _ request: WireRequest) -> WireResponse {
        guard !context.isEmpty else {
            return Self.errorResponse(.invalidParameter("context", "Name the context: PUT /_lyrebird/faults/{context}."))
        }
        let text = String(decoding: request.body, as: UTF8.self)
        var decoder = ConfigDecoder(file: "request body")
        guard var profile = decoder.decodeProfile(text), let document = try? JSONValue.parse(request.body) else {
            let problems = decoder.problems.map { "\($0.key.isEmpty ? "" : $0.key + ": ")\($0.message)" }
            return Self.errorResponse(
                .invalidParameter(
                    decoder.problems.first?.key,
                    "Invalid fault profile: " + (problems.isEmpty ? "the body must be a JSON object" : problems.joined(separator: "; ")),
                    code: "invalid_profile"))
        }
        profile.document = document
        faults.setProfile(profile, for: context)
        var writer = JSONWriter()
        Self.write(profile, of: context, into: &writer)
        return WireResponse(status: 200, body: writer.bytes)
    }

    /// `DELETE /_lyrebird/faults/{context}`: the context goes back to the configuration's faults.
    func removeFaultProfile(_ context: String) -> WireResponse {
        guard faults.removeProfile(for: context) else { return Self.errorResponse(Self.noProfile(context)) }
        return Self.json { writer in
            writer.member("context", context)
            writer.member("object", "fault_profile")
            writer.member("deleted", true)
        }
    }

    private static func noProfile(_ context: String) -> ReplyError {
        ReplyError(
            status: 404, message: "Context \(context.debugDescription) has no fault profile.", type: "invalid_request_error",
            code: "profile_not_found")
    }

    private static func write(_ profile: ContextProfile, of context: String, into writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("object", "fault_profile")
            writer.member("context", context)
            writer.member("profile", profile.document)
        }
    }
}
