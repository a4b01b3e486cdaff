/// The values generated strings are chosen from: short lists of plausible, harmless examples
/// (people of computing history, `example.com` addresses, documentation IP ranges).
enum SampleWords {
    static let firstNames = ["Ada", "Alan", "Grace", "Katherine", "Edsger", "Barbara", "Dennis", "Margaret", "Claude", "Frances"]
    static let lastNames = ["Lovelace", "Turing", "Hopper", "Johnson", "Dijkstra", "Liskov", "Ritchie", "Hamilton", "Shannon", "Allen"]
    static let usernames = ["ada_l", "aturing", "ghopper", "kjohnson", "edijkstra", "bliskov", "dmr", "mhamilton"]
    static let companies = ["Acme Corporation", "Globex", "Initech", "Umbrella Labs", "Stark Industries", "Wayne Enterprises", "Hooli"]
    static let cities = ["Paris", "Lisbon", "Kyoto", "Toronto", "Nairobi", "Melbourne", "Reykjavik", "Montevideo", "Edinburgh"]
    static let countries = ["France", "Portugal", "Japan", "Canada", "Kenya", "Australia", "Iceland", "Uruguay", "Scotland"]
    static let countryCodes = ["FR", "PT", "JP", "CA", "KE", "AU", "IS", "UY", "GB"]
    static let streets = ["12 Rue de Rivoli", "221B Baker Street", "1600 Amphitheatre Parkway", "42 Wallaby Way", "10 Downing Street"]
    static let postalCodes = ["75001", "10115", "94103", "02139", "60601", "73301"]
    static let regions = ["Ontario", "Bavaria", "Queensland", "Catalonia", "Hokkaido", "Tuscany"]
    static let phones = ["+1 555 0100", "+1 555 0142", "+44 20 7946 0958", "+33 1 99 00 12 34"]
    static let colors = ["red", "green", "blue", "amber", "teal", "violet", "charcoal"]
    static let currencies = ["EUR", "USD", "JPY", "GBP", "CAD", "CHF"]
    static let languages = ["en", "fr", "de", "ja", "pt", "es"]
    static let titles = [
        "Quarterly planning notes", "A field guide to lyrebirds", "Release checklist", "Weekly status update", "Getting started",
    ]
    static let sentences = [
        "The lyrebird can mimic almost any sound it hears.", "All systems are operating normally.",
        "The request was processed successfully.", "This value was generated from the schema.",
        "Everything looks good on the first pass.", "A short, plausible sentence for testing.",
    ]
    static let statuses = ["active", "pending", "completed", "draft", "archived"]
    static let categories = ["general", "research", "travel", "finance", "music", "science", "cooking"]
    static let products = ["Wireless Mouse", "Desk Lamp", "Water Bottle", "Notebook", "Mechanical Keyboard", "Travel Mug"]
    static let projectNames = ["Aurora", "Nimbus", "Orion", "Juniper", "Kestrel", "Meridian"]
    static let fileNames = ["report.pdf", "notes.txt", "photo.jpg", "data.csv", "slides.key"]
    static let hostnames = ["api.example.com", "www.example.org", "mail.example.net", "docs.example.com"]
    static let nouns = ["meadow", "harbor", "lantern", "orchid", "canyon", "compass", "river", "summit", "willow", "ember"]
    static let adjectives = ["quiet", "bright", "golden", "gentle", "swift", "silver", "lucky", "clever", "calm", "vivid"]
}
