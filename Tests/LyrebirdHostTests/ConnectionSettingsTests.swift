import LyrebirdHost
import Testing

@Suite struct ConnectionSettingsTests {
    @Test func defaultsAndSettingsFromAFile() throws {
        let defaults = HostConfiguration()
        #expect(defaults.headerTimeout == .seconds(10))
        #expect(defaults.bodyTimeout == .seconds(30))
        #expect(defaults.keepAliveTimeout == .seconds(15))
        #expect(defaults.shutdownGrace == .seconds(10))
        #expect(defaults.maxConnections == nil)

        let configuration = try HostConfiguration(
            yaml: """
                settings:
                  header_timeout_seconds: 1
                  body_timeout_seconds: 2.5
                  keep_alive_timeout_seconds: 0.5
                  max_connections: 20
                  shutdown_grace_seconds: 0
                """
        )
        #expect(configuration.headerTimeout == .seconds(1))
        #expect(configuration.bodyTimeout == .milliseconds(2500))
        #expect(configuration.keepAliveTimeout == .milliseconds(500))
        #expect(configuration.maxConnections == 20)
        #expect(configuration.shutdownGrace == .zero)
    }

    @Test func outOfRangeValuesAndUnknownKeysAreReported() {
        do {
            _ = try HostConfiguration(
                yaml: """
                    settings:
                      header_timeout_seconds: 0
                      body_timeout_seconds: soon
                      max_connections: 0
                      shutdown_grace_seconds: -1
                      keepalive_timeout: 5
                    """,
                file: "limits.yaml"
            )
            Issue.record("expected problems")
        } catch {
            let lines = error.problems.map(\.description)
            #expect(lines.count == 5)
            #expect(lines.contains { $0.contains("settings.header_timeout_seconds: must be between 0.1 and 86400.0") })
            #expect(lines.contains { $0.contains("settings.body_timeout_seconds: must be a number") })
            #expect(lines.contains { $0.contains("settings.max_connections: must be between 1 and 1000000") })
            #expect(lines.contains { $0.contains("settings.shutdown_grace_seconds: must be between 0.0 and 3600.0") })
            #expect(
                lines.contains {
                    $0.hasPrefix("limits.yaml:6:") && $0.contains("settings.keepalive_timeout: unknown key")
                        && $0.contains("keep_alive_timeout_seconds, max_connections, shutdown_grace_seconds")
                })
        }
    }

    @Test func theDefaultConnectionLimitKeepsRoomForTheHostsOwnDescriptors() {
        #expect(HostConfiguration.maxConnections(descriptorLimit: 1024) == 768)
        #expect(HostConfiguration.maxConnections(descriptorLimit: 256) == 192)
        #expect(HostConfiguration.maxConnections(descriptorLimit: 128) == 64)
        #expect(HostConfiguration.maxConnections(descriptorLimit: 100) == 50)
        #expect(HostConfiguration.maxConnections(descriptorLimit: 1) == 1)
        #expect(HostConfiguration.maxConnections(descriptorLimit: .max) > 0)
        #expect(HostConfiguration.descriptorLimit > 0)
    }
}
