extension ReplyError {
    /// The error as `{"error": {"message", "type", "param", "code"}}`: the OpenAI shape, which is
    /// also the host's own shape for errors no provider owns.
    public var openAIShapeBody: [UInt8] {
        var writer = JSONWriter()
        writer.object { writer in
            writer.member(
                "error",
                object: { writer in
                    writer.member("message", message)
                    writer.member("type", type)
                    writer.member("param", param)
                    writer.member("code", code)
                })
        }
        return writer.bytes
    }
}
