import LyrebirdPluginAPI

/// The stage of the pipeline that checks every request's API key against `settings.auth` and
/// counts it against its plan, before anything else reads the request, for every provider.
/// A request it lets in carries a ticket: the rate-limit headers of its response, and the
/// counts to settle when its reply ends.
struct QuotaStage: Sendable {
    let settings: QuotaSettings
    let ledger: UsageLedger

    /// The source the journal gives a request the stage refused.
    static let source = "quota"

    /// What the stage made of a request.
    enum Decision: Sendable {
        /// Nothing to count: no plan limits the request's key.
        case pass
        case admitted(QuotaTicket)
        case refused(Refused)
    }

    /// A request the stage turned away: why, the key it carried, and the error its client gets.
    struct Refused: Sendable {
        let refusal: QuotaRefusal
        let key: String?
        let error: ReplyError
    }

    private func refuse(_ refusal: QuotaRefusal, key: String?) -> Decision {
        .refused(Refused(refusal: refusal, key: key, error: refusal.replyError(now: ledger.clock.now())))
    }

    /// Checks and counts a request to one of `provider`'s routes that carried `key`
    /// (`WireRequest.apiKey`).
    func admit(key: String?, provider: any Provider) -> Decision {
        guard settings.isActive else { return .pass }
        switch (settings.auth, key) {
        case (.anyKey, nil), (.listedKeys, nil):
            return refuse(.missingKey, key: nil)
        case (.listedKeys, let key?) where settings.keyPlans[key] == nil:
            return refuse(.unknownKey, key: key)
        default:
            break
        }
        guard let key, let plan = settings.plan(of: key), plan.limitsAnything else { return .pass }
        switch ledger.admit(key: key, plan: plan) {
        case .success(let figures):
            let headers = RateLimitHeaders.headers(figures, provider: provider)
            return .admitted(QuotaTicket(key: key, headers: headers, ledger: ledger))
        case .failure(let refusal):
            return refuse(refusal, key: key)
        }
    }

    /// The response to a refused request: the provider's error, with the hosted services'
    /// `detail` object beside it in the body, `retry-after` and `retry-after-ms` on a 429.
    func response(to refused: Refused, provider: any Provider, context: ReplyContext) -> WireResponse {
        let error = refused.error
        var response = provider.encode(error, for: nil, context: context)
        if case .object(var members)? = try? JSONValue.parse(response.body) {
            members["detail"] = refused.refusal.detail(usage: refused.key.map(ledger.usage(of:)))
            response.body = Array(JSONValue.object(members).serialized.utf8)
        }
        if let delay = error.retryAfterMilliseconds {
            let names = Set(response.headers.map { $0.name.lowercased() })
            if !names.contains("retry-after") {
                response.headers.append(Header(name: "retry-after", value: String((delay + 999) / 1000)))
            }
            if !names.contains("retry-after-ms") { response.headers.append(Header(name: "retry-after-ms", value: String(delay))) }
        }
        return response
    }
}

/// A request the quota stage let in: the headers its response carries, and what its reply
/// adds to the key's counts when it ends.
struct QuotaTicket: Sendable {
    let key: String
    let headers: [Header]
    let ledger: UsageLedger

    /// Counts the reply's tokens and ends the request's turn among the key's running ones.
    func finish(tokens: Int) {
        ledger.finish(key: key, tokens: tokens)
    }
}

extension QuotaRefusal {
    /// The error a client gets, as every provider encodes errors.
    func replyError(now: Double) -> ReplyError {
        switch self {
        case .missingKey:
            return ReplyError(
                status: 401,
                message:
                    "You didn't provide an API key. Send it in the Authorization header (Bearer), x-api-key, x-goog-api-key or api-key.",
                type: "authentication_error", code: "missing_api_key")
        case .unknownKey:
            return ReplyError(
                status: 403, message: "The API key is not one this server knows.", type: "permission_error", code: "invalid_api_key")
        case .limited(let limit, let used, let allowed, let retryAt):
            let delay = max(1, Int(((retryAt - now) * 1000).rounded(.up)))
            return ReplyError(
                status: 429,
                message:
                    "Rate limit reached: \(limit) is \(allowed), and \(used) are used. Try again in \((delay + 999) / 1000) s.",
                type: "rate_limit_error", code: "rate_limit_exceeded", retryAfterMilliseconds: delay)
        }
    }

    /// The hosted services' `detail` object: `error`, `message`, and for a limit `usage` and
    /// `limit`.
    func detail(usage: [QuotaWindow: UsageCount]?) -> JSONValue {
        switch self {
        case .missingKey: return .object(["error": .string("missing_api_key"), "message": .string("An API key is required.")])
        case .unknownKey: return .object(["error": .string("invalid_api_key"), "message": .string("The API key is not valid.")])
        case .limited(let limit, let used, let allowed, _):
            var counts: [String: JSONValue] = ["current": .integer(Int64(used))]
            for (window, count) in usage ?? [:] {
                counts["requests_this_\(window.rawValue)"] = .integer(Int64(count.requests))
                counts["tokens_this_\(window.rawValue)"] = .integer(Int64(count.tokens))
            }
            return .object([
                "error": .string("rate_limit_exceeded"), "message": .string("Rate limit exceeded: \(limit)"),
                "usage": .object(counts), "limit": .object(["name": .string(limit), "value": .integer(Int64(allowed))]),
            ])
        }
    }
}
