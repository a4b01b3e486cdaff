import ArgumentParser
import LyrebirdHost

/// The configuration in `path`, or the defaults without one. A file with problems prints every
/// problem and exits 1.
func loadConfiguration(from path: String?) throws -> HostConfiguration {
    var configuration = HostConfiguration()
    guard let path else { return configuration }
    do {
        try configuration.load(contentsOfFile: path)
    } catch {
        printError(error.description)
        throw ExitCode.failure
    }
    return configuration
}
