import Foundation
import LyrebirdPluginAPI

extension Jitter {
    /// One delay, drawn from `random`; never negative.
    func draw(_ random: inout SeededRandom) -> Duration {
        let milliseconds: Double
        switch self {
        case .fixed(let value):
            milliseconds = value
        case .uniform(let low, let high):
            milliseconds = low + (high - low) * random.unit()
        case .normal(let mean, let deviation):
            milliseconds = mean + deviation * Self.standardNormal(&random)
        case .logNormal(let mu, let sigma):
            milliseconds = exp(mu + sigma * Self.standardNormal(&random))
        }
        guard milliseconds.isFinite, milliseconds > 0 else { return .zero }
        return .microseconds(Int64(min(milliseconds, 3_600_000) * 1000))
    }

    /// A draw of the standard normal distribution (Box-Muller).
    private static func standardNormal(_ random: inout SeededRandom) -> Double {
        let first = max(random.unit(), Double.leastNonzeroMagnitude)
        let second = random.unit()
        return (-2 * log(first)).squareRoot() * cos(2 * Double.pi * second)
    }
}
