import LyrebirdPluginAPI

extension AdminAPI {
    /// `GET /_lyrebird/quotas`: each listed key, its plan, and for each limit of the plan how
    /// much of it the key has used in the window of now (the dashboard's quota chart).
    func quotaUse() -> WireResponse {
        let settings = quotas.settings
        return Self.json { writer in
            writer.member("object", "list")
            writer.member("auth", settings.auth.rawValue)
            writer.member(
                "data",
                array: { writer in
                    for key in settings.keyPlans.keys.sorted() {
                        guard let planName = settings.keyPlans[key], let plan = settings.plans[planName] else { continue }
                        let usage = quotas.ledger.usage(of: key)
                        writer.object { writer in
                            writer.member("api_key", key)
                            writer.member("plan", planName)
                            writer.member(
                                "limits",
                                array: { writer in
                                    for (name, limit, window, tokens) in Self.windowedLimits(of: plan) {
                                        let count = usage[window] ?? UsageCount()
                                        writer.object { writer in
                                            writer.member("name", name)
                                            writer.member("limit", limit)
                                            writer.member("used", tokens ? count.tokens : count.requests)
                                        }
                                    }
                                })
                        }
                    }
                })
        }
    }

    /// The limits of `plan` that count in a window: their names, values, windows, and whether
    /// they count tokens.
    private static func windowedLimits(of plan: QuotaPlan) -> [(String, Int, QuotaWindow, Bool)] {
        [
            ("requests_per_minute", plan.requestsPerMinute, QuotaWindow.minute, false),
            ("requests_per_day", plan.requestsPerDay, .day, false),
            ("requests_per_month", plan.requestsPerMonth, .month, false),
            ("tokens_per_minute", plan.tokensPerMinute, .minute, true),
        ].compactMap { name, limit, window, tokens in limit.map { (name, $0, window, tokens) } }
    }
}
