import LyrebirdPluginAPI

/// What a property's name says about the values it should hold, so that a generated `name`
/// reads like a name, an `age` like an age and a `price` like a price.
struct PropertyHint: Sendable {
    /// The lower-cased words of the name: `zipCode`, `zip_code` and `zip-code` are all
    /// `["zip", "code"]`.
    let words: [String]

    init(_ name: String) {
        var words: [String] = []
        var current = ""
        var previousWasLower = false
        for character in name {
            if !character.isLetter && !character.isNumber {
                if !current.isEmpty { words.append(current) }
                current = ""
                previousWasLower = false
                continue
            }
            if character.isUppercase && previousWasLower {
                words.append(current)
                current = ""
            }
            current += character.lowercased()
            previousWasLower = character.isLowercase || character.isNumber
        }
        if !current.isEmpty { words.append(current) }
        self.words = words
    }

    private init(words: [String]) {
        self.words = words
    }

    /// The hint for one item of an array this property holds: `tags` gives `tag`, `cities` `city`.
    var singular: PropertyHint {
        guard var last = words.last, last.count > 3 else { return self }
        if last.hasSuffix("ies") {
            last = String(last.dropLast(3)) + "y"
        } else if ["sses", "ches", "shes", "xes"].contains(where: last.hasSuffix) {
            last = String(last.dropLast(2))
        } else if last.hasSuffix("s") && !last.hasSuffix("ss") {
            last = String(last.dropLast())
        }
        return PropertyHint(words: words.dropLast() + [last])
    }

    /// The format a string with this name should have when the schema gives none: an `email`
    /// holds an address, a `created_at` a date-time.
    var impliedFormat: StringFormat? {
        if has("email", "mail") { return .email }
        if has("url", "uri", "website", "homepage", "link", "href", "avatar") { return .uri }
        if has("uuid", "guid") { return .uuid }
        if has("timestamp", "datetime") || words.last == "at" { return .dateTime }
        if has("date", "birthday", "birthdate", "dob") { return .date }
        if has("hostname", "domain") { return .hostname }
        if has("ip") { return .ipv4 }
        return nil
    }

    /// A plausible string for this name.
    func text(_ random: inout SeededRandom) -> String {
        if let format = impliedFormat { return format.example(&random, hint: self) }
        if let last = words.last, ["id", "identifier", "key", "token", "sku", "ref", "reference", "slug", "hash"].contains(last) {
            return Self.identifier(&random)
        }
        if let list = sampleList { return random.element(of: list) }
        if has("name", "author", "person", "customer", "owner", "contact", "manager", "speaker", "participant", "employee", "user")
            || has("client", "member", "assignee", "recipient", "sender", "guest", "student", "teacher", "patient", "artist")
        {
            return random.element(of: SampleWords.firstNames) + " " + random.element(of: SampleWords.lastNames)
        }
        if has("code") { return Self.identifier(&random) }
        return random.element(of: SampleWords.adjectives) + " " + random.element(of: SampleWords.nouns)
    }

    /// The list a string with this name is chosen from, when the name says which.
    private var sampleList: [String]? {
        if has("first", "given") && has("name") { return SampleWords.firstNames }
        if has("last", "family", "surname") { return SampleWords.lastNames }
        if has("username", "login", "handle", "nickname") { return SampleWords.usernames }
        if has("company", "organization", "organisation", "employer", "business", "brand", "vendor", "publisher") {
            return SampleWords.companies
        }
        if has("city", "town") { return SampleWords.cities }
        if has("country") { return has("code", "iso") ? SampleWords.countryCodes : SampleWords.countries }
        if has("street", "address") { return SampleWords.streets }
        if has("zip", "postal", "postcode") { return SampleWords.postalCodes }
        if has("province", "region") { return SampleWords.regions }
        if has("phone", "mobile", "telephone", "tel", "fax") { return SampleWords.phones }
        if has("color", "colour") { return SampleWords.colors }
        if has("currency") { return SampleWords.currencies }
        if has("language", "lang", "locale") { return SampleWords.languages }
        if has("file", "filename", "attachment") { return SampleWords.fileNames }
        if has("product", "item") { return SampleWords.products }
        if has("project", "team", "event", "app", "model", "codename") { return SampleWords.projectNames }
        if has("title", "headline", "subject", "heading", "caption") { return SampleWords.titles }
        if has("description", "summary", "text", "content", "body", "message", "comment", "note", "notes", "reason")
            || has("explanation", "answer", "details", "bio", "review", "feedback", "reply", "response", "reasoning", "thought")
            || has("step", "instruction", "output", "abstract", "excerpt", "quote", "sentence", "comments", "justification")
        {
            return SampleWords.sentences
        }
        if has("status", "state", "stage", "phase") { return SampleWords.statuses }
        if has("category", "kind", "type", "genre", "tag", "label", "topic", "keyword", "role", "department", "group") {
            return SampleWords.categories
        }
        return nil
    }

    /// The integers this name suggests: ages between 18 and 80, years around now, small counts.
    var integerRange: ClosedRange<Int64> {
        Self.numberHints.first { has($0.words) }?.integers ?? 1...100
    }

    /// The numbers this name suggests: prices, coordinates, probabilities between 0 and 1.
    var numberRange: ClosedRange<Double> {
        Self.numberHints.first { has($0.words) }?.numbers ?? 1...100
    }

    private func has(_ candidates: String...) -> Bool {
        has(candidates)
    }

    private func has(_ candidates: [String]) -> Bool {
        words.contains(where: candidates.contains)
    }

    /// A short identifier of lower-case letters and digits, like `k7x2m9q4`.
    private static func identifier(_ random: inout SeededRandom) -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyz23456789")
        return String((0..<8).map { _ in random.element(of: alphabet) })
    }

    private static let numberHints: [(words: [String], integers: ClosedRange<Int64>, numbers: ClosedRange<Double>)] = [
        (["age"], 18...80, 18...80),
        (["year"], 1990...2030, 1990...2030),
        (["month"], 1...12, 1...12),
        (["day", "days"], 1...28, 1...28),
        (["hour", "hours"], 0...23, 0...23),
        (["minute", "minutes", "second", "seconds"], 0...59, 0...59),
        (["lat", "latitude"], -90...90, -90...90),
        (["lon", "lng", "long", "longitude"], -180...180, -180...180),
        (["probability", "confidence", "ratio", "likelihood", "similarity", "certainty"], 0...1, 0...1),
        (["score"], 0...100, 0...1),
        (["rating", "stars"], 1...5, 1...5),
        (["percent", "percentage", "pct"], 0...100, 0...100),
        (["temperature", "temp"], -10...35, -10...35),
        (["count", "quantity", "qty", "number", "num", "size", "stock", "steps", "attempts", "votes"], 1...20, 1...20),
        (["price", "cost", "amount", "salary", "balance", "fee", "budget", "revenue", "income", "total"], 10...500, 1...500),
        (["id", "identifier"], 1...9999, 1...9999),
        (["index", "position", "rank", "order", "page", "priority", "level", "version"], 1...10, 1...10),
    ]
}
