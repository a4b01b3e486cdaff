import Yams

extension ConfigDecoder {
    /// The limits a plan may set, and where each goes.
    private static var planLimits: [(key: String, path: WritableKeyPath<QuotaPlan, Int?>)] {
        [
            ("requests_per_month", \.requestsPerMonth),
            ("requests_per_day", \.requestsPerDay),
            ("requests_per_minute", \.requestsPerMinute),
            ("tokens_per_minute", \.tokensPerMinute),
            ("concurrent_requests", \.concurrentRequests),
        ]
    }

    /// Reads `settings.plans`: a mapping from each plan's name to its limits.
    mutating func decodePlans(_ node: Node, path: String) -> [String: QuotaPlan]? {
        guard let mapping = node.mapping else {
            report(node, key: path, "must be a mapping from plan names to their limits")
            return nil
        }
        var plans: [String: QuotaPlan] = [:]
        for (nameNode, limits) in mapping {
            let name = nameNode.string ?? ""
            let planPath = "\(path).\(name)"
            var plan = QuotaPlan(name: name)
            if limits.scalar != nil, ["", "~", "null", "Null", "NULL"].contains(limits.string ?? "") {
                plans[name] = plan  // `pro:` with nothing after it: a plan without limits
                continue
            }
            guard let entries = limits.mapping else {
                report(limits, key: planPath, "must be a mapping of limits (\(Self.planLimits.map(\.key).joined(separator: ", ")))")
                continue
            }
            for (keyNode, value) in entries {
                let key = keyNode.string ?? ""
                guard let limit = Self.planLimits.first(where: { $0.key == key }) else {
                    report(
                        keyNode, key: "\(planPath).\(key)", "unknown limit (expected \(Self.planLimits.map(\.key).joined(separator: ", ")))"
                    )
                    continue
                }
                plan[keyPath: limit.path] = integer(value, path: "\(planPath).\(key)", range: 0...Int(Int32.max))
            }
            plans[name] = plan
        }
        return plans
    }

    /// Reads `settings.keys`: a list of `{key, plan}`.
    mutating func decodeKeys(_ node: Node, path: String) -> [String: String]? {
        guard let sequence = node.sequence else {
            report(node, key: path, "must be a list of {key, plan} mappings")
            return nil
        }
        var keys: [String: String] = [:]
        for (index, item) in sequence.enumerated() {
            let itemPath = "\(path)[\(index)]"
            guard let mapping = item.mapping else {
                report(item, key: itemPath, "must be a mapping with key and plan")
                continue
            }
            var key: String?
            var plan: String?
            for (keyNode, value) in mapping {
                switch keyNode.string ?? "" {
                case "key": key = string(value, path: "\(itemPath).key")
                case "plan": plan = string(value, path: "\(itemPath).plan")
                default: report(keyNode, key: "\(itemPath).\(keyNode.string ?? "")", "unknown key (expected key, plan)")
                }
            }
            guard let key, !key.isEmpty else {
                report(item, key: "\(itemPath).key", "missing: every listed key needs its text")
                continue
            }
            guard let plan else {
                report(item, key: "\(itemPath).plan", "missing: every listed key needs a plan")
                continue
            }
            if keys[key] != nil { report(item, key: "\(itemPath).key", "listed twice") }
            keys[key] = plan
        }
        return keys
    }

    /// Reports plans that keys name but `settings.plans` lacks.
    mutating func checkQuotas(_ settings: QuotaSettings, at node: Node) {
        for (key, plan) in settings.keyPlans.sorted(by: { $0.key < $1.key }) where settings.plans[plan] == nil {
            report(
                node, key: "settings.keys",
                "key \(key.count > 8 ? key.prefix(8) + "…" : key) names plan \(plan.debugDescription), which settings.plans does not define"
            )
        }
        if let plan = settings.defaultPlan, settings.plans[plan] == nil {
            report(node, key: "settings.default_plan", "plan \(plan.debugDescription) is not defined in settings.plans")
        }
    }
}
