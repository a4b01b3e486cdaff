/// What the configuration says of faults and timing beyond single fixtures: the seed every
/// draw starts from (`seed:`), the fault rules (`faults:`) and the timing rules (`timing:`).
public struct FaultSettings: Sendable {
    /// The seed of every draw: fault rates and jitter.
    public var seed: UInt64 = 0
    /// Faults for every request, or the requests for some models; the first that fires applies.
    public var rules: [FaultRule] = []
    /// Timing for the replies of fixtures without their own; the first whose model matches applies.
    public var timings: [TimingRule] = []

    /// No faults, no timing, seed 0.
    public init() {}
}

/// A timing for the replies to some models (or every model), when their fixture has none.
public struct TimingRule: Sendable {
    /// The models it applies to: an exact id, or a glob with `*`; `nil` for every model.
    public var model: String?
    /// The timing.
    public var timing: ReplyTiming

    /// Creates a rule applying `timing` to the requests for `model` (every request without one).
    public init(_ timing: ReplyTiming, model: String? = nil) {
        self.model = model
        self.timing = timing
    }
}
