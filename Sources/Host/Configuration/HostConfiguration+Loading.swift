import Foundation

extension HostConfiguration {
    /// Loads a configuration file (YAML or JSON).
    ///
    /// - Throws: `ConfigurationError` listing every problem with its file, line, fixture and key.
    public init(contentsOfFile path: String) throws(ConfigurationError) {
        self.init()
        try load(contentsOfFile: path)
    }

    /// Reads configuration text; `file` names it in problem reports.
    public init(yaml text: String, file: String = "<inline>") throws(ConfigurationError) {
        self.init()
        var decoder = ConfigDecoder(file: file)
        decoder.decodeDocument(text, into: &self)
        if !decoder.problems.isEmpty { throw ConfigurationError(problems: decoder.problems) }
    }

    /// Adds the settings and fixtures of a file to this configuration.
    public mutating func load(contentsOfFile path: String) throws(ConfigurationError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(problems: [
                ConfigProblem(file: path, key: "", message: "cannot read the file: \(error.localizedDescription)")
            ])
        }
        var decoder = ConfigDecoder(file: path)
        decoder.decodeDocument(text, into: &self)
        if !decoder.problems.isEmpty { throw ConfigurationError(problems: decoder.problems) }
        sourceFile = path
    }

    /// Every problem in a configuration file, fixtures that can never answer included (an
    /// earlier one matches every request they would); empty when it is fine. A host still
    /// starts with unreachable fixtures.
    public static func problems(inFile path: String) -> [ConfigProblem] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            return [ConfigProblem(file: path, key: "", message: "cannot read the file: \(error.localizedDescription)")]
        }
        var decoder = ConfigDecoder(file: path)
        var configuration = HostConfiguration()
        decoder.decodeDocument(text, into: &configuration)
        return decoder.problems + decoder.unreachable
    }
}

extension Fixture {
    /// Reads one fixture from YAML or JSON text; scripts it names are read and compiled with
    /// the default Lua limits.
    public init(yaml text: String) throws(ConfigurationError) {
        try self.init(yaml: text, lua: LuaEnvironment(), scriptFiles: .any)
    }

    /// Reads one fixture sent to a host (the `POST /fixtures` body): its scripts are compiled
    /// with the host's Lua settings and may name only the files `scriptFiles` allows.
    init(yaml text: String, lua: LuaEnvironment, scriptFiles: ScriptFileAccess) throws(ConfigurationError) {
        switch Self.decodePosted(text, lua: lua, scriptFiles: scriptFiles, maximumSize: nil) {
        case .success(let decoded): self = decoded.fixture
        case .failure(.invalid(let error)): throw error
        case .failure(.tooLarge): preconditionFailure("no size bound was given")
        }
    }

    /// Why a fixture sent over HTTP was not decoded.
    enum PostedFixtureError: Error {
        /// It takes more than the bound once its aliases are expanded.
        case tooLarge(limit: Int)
        /// It is not a valid fixture.
        case invalid(ConfigurationError)
    }

    /// Decodes one fixture sent over HTTP, with its size (text bytes and `YAMLBudget.nodeBytes`
    /// a value, aliases expanded), refusing one larger than `maximumSize` before it is built.
    static func decodePosted(
        _ text: String, lua: LuaEnvironment, scriptFiles: ScriptFileAccess, maximumSize: Int?
    ) -> Result<(fixture: Fixture, size: Int), PostedFixtureError> {
        var decoder = ConfigDecoder(file: "<request>")
        decoder.lua = lua
        decoder.scriptFiles = scriptFiles
        decoder.budget.maximumSize = maximumSize
        let fixture = decoder.decodeSingleFixture(text)
        if case .size(let limit) = decoder.exceededBound { return .failure(.tooLarge(limit: limit)) }
        guard decoder.problems.isEmpty, let fixture else { return .failure(.invalid(ConfigurationError(problems: decoder.problems))) }
        return .success((fixture, decoder.measuredSize))
    }
}
