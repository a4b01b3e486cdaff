import Foundation
import LyrebirdPluginAPI

/// The string formats the generator writes and the validator checks. Other formats are accepted
/// unchecked, as JSON Schema allows, and generated as ordinary strings.
enum StringFormat: String, Sendable, CaseIterable {
    case dateTime = "date-time"
    case date
    case time
    case duration
    case email
    case hostname
    case ipv4
    case ipv6
    case uri
    case uriReference = "uri-reference"
    case uuid

    /// A value of this format chosen by `random`: dates in the early 2020s, `example.com`
    /// addresses, documentation IP ranges, version-4 UUIDs.
    func example(_ random: inout SeededRandom, hint: PropertyHint?) -> String {
        switch self {
        case .dateTime: return Self.dateExample(&random) + "T" + Self.timeExample(&random)
        case .date: return Self.dateExample(&random)
        case .time: return Self.timeExample(&random)
        case .duration: return "P\(1 + random.index(below: 30))DT\(1 + random.index(below: 12))H"
        case .email:
            let first = random.element(of: SampleWords.firstNames).lowercased()
            return first + "." + random.element(of: SampleWords.lastNames).lowercased() + "@example.com"
        case .hostname: return random.element(of: SampleWords.hostnames)
        case .ipv4: return random.element(of: ["192.0.2", "198.51.100", "203.0.113"]) + ".\(1 + random.index(below: 254))"
        case .ipv6: return "2001:db8::" + String(1 + random.index(below: 0xFFFE), radix: 16)
        case .uri: return "https://example.com/" + random.element(of: SampleWords.nouns)
        case .uriReference: return "/" + random.element(of: SampleWords.nouns) + "/\(1 + random.index(below: 99))"
        case .uuid:
            var bytes = (0..<16).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            bytes[6] = bytes[6] & 0x0F | 0x40
            bytes[8] = bytes[8] & 0x3F | 0x80
            let hex = bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
            let characters = Array(hex)
            return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
        }
    }

    /// Whether `text` has this format.
    func accepts(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        switch self {
        case .dateTime:
            guard let separator = bytes.firstIndex(where: { $0 == UInt8(ascii: "T") || $0 == UInt8(ascii: "t") }) else { return false }
            return Self.isDate(bytes[..<separator]) && Self.isTime(bytes[(separator + 1)...])
        case .date: return Self.isDate(bytes[...])
        case .time: return Self.isTime(bytes[...])
        case .duration: return Self.isDuration(bytes)
        case .email:
            let parts = text.split(separator: "@", omittingEmptySubsequences: false)
            return parts.count == 2 && !parts[0].isEmpty && Self.isHostname(Array(parts[1].utf8))
                && !text.contains(where: \.isWhitespace)
        case .hostname: return Self.isHostname(bytes)
        case .ipv4: return Self.isIPv4(bytes[...])
        case .ipv6: return Self.isIPv6(bytes)
        case .uri:
            guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), colon > 0, Self.isLetter(bytes[0]) else { return false }
            let schemeAllowed = bytes[..<colon].allSatisfy {
                Self.isLetter($0) || Self.isDigit($0) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
            }
            return schemeAllowed && Self.isURICharacters(bytes)
        case .uriReference: return Self.isURICharacters(bytes)
        case .uuid:
            guard bytes.count == 36 else { return false }
            return bytes.enumerated().allSatisfy { index, byte in
                [8, 13, 18, 23].contains(index) ? byte == UInt8(ascii: "-") : Self.isHexDigit(byte)
            }
        }
    }

    private static func dateExample(_ random: inout SeededRandom) -> String {
        let year = 2020 + random.index(below: 6)
        return "\(year)-" + twoDigits(1 + random.index(below: 12)) + "-" + twoDigits(1 + random.index(below: 28))
    }

    private static func timeExample(_ random: inout SeededRandom) -> String {
        let hour = 8 + random.index(below: 10)
        return twoDigits(hour) + ":" + twoDigits(random.index(below: 60)) + ":" + twoDigits(random.index(below: 60)) + "Z"
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }

    /// RFC 3339 `full-date`, with the days each month has.
    private static func isDate(_ bytes: ArraySlice<UInt8>) -> Bool {
        let bytes = Array(bytes)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = number(bytes[0..<4]), let month = number(bytes[5..<7]), let day = number(bytes[8..<10]),
            (1...12).contains(month)
        else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return (1...days).contains(day)
    }

    /// RFC 3339 `full-time`: `HH:MM:SS`, an optional fraction, and `Z` or an offset.
    private static func isTime(_ bytes: ArraySlice<UInt8>) -> Bool {
        let bytes = Array(bytes)
        guard bytes.count >= 9, bytes[2] == UInt8(ascii: ":"), bytes[5] == UInt8(ascii: ":"),
            let hour = number(bytes[0..<2]), let minute = number(bytes[3..<5]), let second = number(bytes[6..<8]),
            hour < 24, minute < 60, second <= 60
        else { return false }
        var index = 8
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            let digits = bytes[index...].prefix(while: isDigit).count
            guard digits > 0 else { return false }
            index += digits
        }
        let offset = bytes[index...]
        if offset.count == 1 { return offset.first == UInt8(ascii: "Z") || offset.first == UInt8(ascii: "z") }
        guard offset.count == 6, offset.first == UInt8(ascii: "+") || offset.first == UInt8(ascii: "-"),
            offset[index + 3] == UInt8(ascii: ":"),
            let hours = number(offset[(index + 1)..<(index + 3)]), let minutes = number(offset[(index + 4)..<(index + 6)])
        else { return false }
        return hours < 24 && minutes < 60
    }

    /// ISO 8601 durations as RFC 3339 writes them: `P1Y2M3DT4H5M6S` (any parts, in order, at
    /// least one) or `P3W`.
    private static func isDuration(_ bytes: [UInt8]) -> Bool {
        guard bytes.first == UInt8(ascii: "P"), bytes.count > 1 else { return false }
        var index = 1
        var designators = Array("YMD".utf8)
        var sawPart = false
        var inTime = false
        var partsInTime = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "T") {
                guard !inTime else { return false }
                inTime = true
                designators = Array("HMS".utf8)
                index += 1
                continue
            }
            let digits = bytes[index...].prefix(while: isDigit).count
            guard digits > 0, index + digits < bytes.count else { return false }
            let designator = bytes[index + digits]
            if designator == UInt8(ascii: "W") {
                return !sawPart && !inTime && index + digits + 1 == bytes.count
            }
            guard let position = designators.firstIndex(of: designator) else { return false }
            designators.removeFirst(position + 1)
            sawPart = true
            if inTime { partsInTime += 1 }
            index += digits + 1
        }
        return sawPart && (!inTime || partsInTime > 0)
    }

    private static func isHostname(_ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty, bytes.count <= 253 else { return false }
        return bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).allSatisfy { label in
            (1...63).contains(label.count) && label.first != UInt8(ascii: "-") && label.last != UInt8(ascii: "-")
                && label.allSatisfy { isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "-") }
        }
    }

    private static func isIPv4(_ bytes: ArraySlice<UInt8>) -> Bool {
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return parts.count == 4
            && parts.allSatisfy { part in
                (1...3).contains(part.count) && (part.count == 1 || part.first != UInt8(ascii: "0"))
                    && (number(part).map { $0 <= 255 } ?? false)
            }
    }

    private static func isIPv6(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return false }
        var groups = 0
        for (index, half) in halves.enumerated() where !half.isEmpty {
            let parts = half.split(separator: ":", omittingEmptySubsequences: false)
            for (position, part) in parts.enumerated() {
                let isLast = index == halves.count - 1 && position == parts.count - 1
                if isLast && part.contains(".") {
                    guard isIPv4(Array(part.utf8)[...]) else { return false }
                    groups += 2
                } else {
                    guard (1...4).contains(part.utf8.count), part.utf8.allSatisfy(isHexDigit) else { return false }
                    groups += 1
                }
            }
        }
        return halves.count == 2 ? groups <= 7 : groups == 8
    }

    /// No spaces, controls or characters RFC 3986 leaves out of URIs.
    private static func isURICharacters(_ bytes: [UInt8]) -> Bool {
        bytes.allSatisfy { byte in byte > 0x20 && byte != 0x7F && !Array(#""<>\^`{|}"#.utf8).contains(byte) }
    }

    private static func number(_ bytes: ArraySlice<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.allSatisfy(isDigit) else { return nil }
        return bytes.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }
}
