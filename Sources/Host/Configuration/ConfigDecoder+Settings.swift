import Yams

extension ConfigDecoder {
    /// One key of `settings`: its name, and how its value is read into a configuration. The
    /// table below is the one place a setting is named; the unknown-key message lists it.
    struct Setting: Sendable {
        let key: String
        let read: @Sendable (inout ConfigDecoder, Node, String, inout HostConfiguration) -> Void

        static func string(_ key: String, _ apply: @escaping @Sendable (inout HostConfiguration, String) -> Void) -> Setting {
            Setting(key: key) { decoder, node, path, configuration in
                if let value = decoder.string(node, path: path) { apply(&configuration, value) }
            }
        }

        static func strings(_ key: String, _ apply: @escaping @Sendable (inout HostConfiguration, [String]) -> Void) -> Setting {
            Setting(key: key) { decoder, node, path, configuration in
                if let value = decoder.strings(node, path: path) { apply(&configuration, value) }
            }
        }

        static func bool(_ key: String, _ apply: @escaping @Sendable (inout HostConfiguration, Bool) -> Void) -> Setting {
            Setting(key: key) { decoder, node, path, configuration in
                if let value = decoder.bool(node, path: path) { apply(&configuration, value) }
            }
        }

        static func integer(
            _ key: String, _ range: ClosedRange<Int>, _ apply: @escaping @Sendable (inout HostConfiguration, Int) -> Void
        ) -> Setting {
            Setting(key: key) { decoder, node, path, configuration in
                if let value = decoder.integer(node, path: path, range: range) { apply(&configuration, value) }
            }
        }

        static func seconds(
            _ key: String, _ range: ClosedRange<Double>, _ apply: @escaping @Sendable (inout HostConfiguration, Duration) -> Void
        ) -> Setting {
            Setting(key: key) { decoder, node, path, configuration in
                if let value = decoder.number(node, path: path, range: range) { apply(&configuration, .seconds(value)) }
            }
        }
    }

    /// Every key `settings` may hold, in the order the documentation lists them.
    static let settings: [Setting] = [
        .string("host") { $0.host = $1 },
        .integer("port", 0...65535) { $0.port = $1 },
        .bool("strict") { $0.strict = $1 },
        .integer("max_body_bytes", 1...Int(Int32.max)) { $0.maxBodyBytes = $1 },
        .string("default_reply") { $0.defaultReply = $1 },
        .integer("stream_chunk_characters", 1...1_000_000) { $0.streamChunkCharacters = $1 },
        .integer("lua_instruction_limit", 1000...Int(Int32.max)) { $0.luaLimits.instructions = $1 },
        .integer("lua_memory_limit_bytes", 65536...Int(Int32.max)) { $0.luaLimits.memoryBytes = $1 },
        .integer("lua_time_limit_ms", 1...3_600_000) { $0.luaLimits.timeMilliseconds = $1 },
        .integer("script_threads", 1...256) { $0.scriptThreads = $1 },
        .integer("script_queue_timeout_ms", 1...3_600_000) { $0.scriptQueueTimeoutMilliseconds = $1 },
        .integer("websocket_idle_timeout_ms", 1...86_400_000) { $0.webSocketIdleTimeoutMilliseconds = $1 },
        .integer("websocket_max_queued", 1...1024) { $0.webSocketMaxQueued = $1 },
        .strings("admin_origins") { $0.adminOrigins = $1 },
        .strings("admin_hosts") { $0.adminHosts = $1 },
        Setting(key: "scripts_dir") { decoder, node, path, configuration in
            if let folder = decoder.string(node, path: path) { configuration.scriptsFolder = decoder.resolvePath(folder) }
        },
        .strings("models") { $0.models = $1 },
        .strings("cors_origins") { $0.corsOrigins = $1 },
        .seconds("header_timeout_seconds", 0.1...86_400) { $0.headerTimeout = $1 },
        .seconds("body_timeout_seconds", 0.1...86_400) { $0.bodyTimeout = $1 },
        .seconds("keep_alive_timeout_seconds", 0.1...86_400) { $0.keepAliveTimeout = $1 },
        .integer("max_connections", 1...1_000_000) { $0.maxConnections = $1 },
        .seconds("shutdown_grace_seconds", 0...3600) { $0.shutdownGrace = $1 },
        .integer("max_connections_per_address", 1...1_000_000) { $0.maxConnectionsPerAddress = $1 },
        .integer("max_buffered_bytes", 65536...Int.max) { $0.maxBufferedBytes = $1 },
        .integer("max_fixture_bytes", 1024...Int(Int32.max)) { $0.fixtureLimits.maxFixtureBytes = $1 },
        .integer("max_runtime_fixtures", 0...10_000_000) { $0.fixtureLimits.maxRuntimeFixtures = $1 },
        .integer("max_runtime_fixture_bytes", 0...Int.max) { $0.fixtureLimits.maxRuntimeFixtureBytes = $1 },
        .integer("max_contexts", 1...10_000_000) { $0.maxContexts = $1 },
        .integer("journal_max_entries", 1...100_000_000) { $0.journalRetention.maxEntries = $1 },
        .integer("journal_max_age_seconds", 1...Int(Int32.max)) { $0.journalRetention.maxAge = Double($1) },
        Setting(key: "admin_token") { decoder, node, path, configuration in
            if let token = decoder.string(node, path: path) { configuration.adminToken = token }
        },
        Setting(key: "reload") { decoder, node, path, configuration in
            if let reload = decoder.bool(node, path: path) { configuration.reloadsFile = reload }
        },
        Setting(key: "auth") { decoder, node, path, configuration in
            guard let text = decoder.string(node, path: path) else { return }
            guard let mode = AuthMode(rawValue: text) else {
                decoder.report(node, key: path, "must be one of \(AuthMode.allCases.map(\.rawValue).joined(separator: ", "))")
                return
            }
            configuration.quotas.auth = mode
        },
        Setting(key: "plans") { decoder, node, path, configuration in
            if let plans = decoder.decodePlans(node, path: path) { configuration.quotas.plans = plans }
        },
        Setting(key: "keys") { decoder, node, path, configuration in
            if let keys = decoder.decodeKeys(node, path: path) { configuration.quotas.keyPlans = keys }
        },
        .string("default_plan") { $0.quotas.defaultPlan = $1 },
        .bool("metrics") { $0.metricsEnabled = $1 },
        .bool("dashboard") { $0.dashboardEnabled = $1 },
        Setting(key: "traces") { decoder, node, path, configuration in
            if let traces = decoder.decodeTraces(node, path: path) { configuration.traces = traces }
        },
        Setting(key: "clock") { decoder, node, path, configuration in
            guard let text = decoder.string(node, path: path) else { return }
            guard let mode = HostClock.Mode(rawValue: text) else {
                decoder.report(node, key: path, "must be real or virtual")
                return
            }
            configuration.clock = mode
        },
        Setting(key: "store") { decoder, node, path, configuration in
            guard let text = decoder.string(node, path: path) else { return }
            let location = StoreLocation(text)
            if case .sqlite(let file) = location {
                configuration.store = .sqlite(path: decoder.resolvePath(file))
            } else {
                configuration.store = location
            }
        },
    ]

    private static let settingsByKey = Dictionary(uniqueKeysWithValues: settings.map { ($0.key, $0) })

    mutating func decodeSettings(_ node: Node, into configuration: inout HostConfiguration) {
        guard let mapping = node.mapping else {
            report(node, key: "settings", "must be a mapping")
            return
        }
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            let path = "settings.\(key)"
            guard let setting = Self.settingsByKey[key] else {
                report(keyNode, key: path, "unknown key (expected \(Self.settings.map(\.key).joined(separator: ", ")))")
                continue
            }
            setting.read(&self, value, path, &configuration)
        }
        checkQuotas(configuration.quotas, at: node)
    }
}
