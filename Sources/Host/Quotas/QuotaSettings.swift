/// Keys, plans and who may call: the settings of the quota stage.
public struct QuotaSettings: Sendable, Hashable {
    /// Which requests get through by their key.
    public var auth: AuthMode = .off
    /// The plans, by name.
    public var plans: [String: QuotaPlan] = [:]
    /// The plan of each listed key, by key.
    public var keyPlans: [String: String] = [:]
    /// The plan of keys not listed, when `auth` lets them in; none limits them.
    public var defaultPlan: String?

    public init() {}

    /// Whether the stage has anything to do: check keys or count them.
    var isActive: Bool { auth != .off || !keyPlans.isEmpty || defaultPlan != nil }

    /// The plan `key` is on, if any.
    func plan(of key: String) -> QuotaPlan? {
        (keyPlans[key] ?? defaultPlan).flatMap { plans[$0] }
    }
}
