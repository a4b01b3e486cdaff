/// A `Host` header value read strictly (RFC 9110 §7.2, RFC 3986 §3.2.2): a host, then an optional
/// `:port`. The admin guard asks only one thing of it, whether it names the loopback interface,
/// and the answer must not be fooled by names that merely look like addresses.
///
/// DNS rebinding works by letting a page's own host name resolve to 127.0.0.1, so a host *name*
/// can never prove anything: `127.attacker.example`, `127.0.0.1.nip.io` and `localhost.evil` are
/// names an attacker controls. Only a literal address is trusted (an IPv4 address in
/// `127.0.0.0/8` written as four decimal numbers, as browsers normalise every IPv4 host, or the
/// IPv6 address `::1` in brackets), and the one name no resolver sends elsewhere, `localhost`.
struct HostHeader: Equatable, Sendable {
    /// The host, lowercased: a name, an IPv4 address, or an IPv6 address without its brackets.
    let host: String
    /// The port, when the value names one.
    let port: Int?
    /// Whether `host` was an IPv6 literal in brackets.
    let isIPv6: Bool

    /// Reads a `Host` value; `nil` when it is not one (an empty port, a stray bracket, a space).
    init?(_ value: some StringProtocol) {
        let text = value.lowercased()
        var hostPart: Substring
        var portPart: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            hostPart = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.first == ":" else { return nil }
                portPart = rest.dropFirst()
            }
            guard Self.ipv6Groups(hostPart) != nil else { return nil }
            isIPv6 = true
        } else {
            let pieces = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            hostPart = pieces[0]
            if pieces.count == 2 { portPart = pieces[1] }
            guard !hostPart.isEmpty, hostPart.utf8.allSatisfy(Self.isNameByte) else { return nil }
            isIPv6 = false
        }
        if let portPart {
            guard (1...5).contains(portPart.utf8.count), portPart.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                let port = Int(portPart), port <= 65535
            else { return nil }
            self.port = port
        } else {
            self.port = nil
        }
        host = String(hostPart)
    }

    /// Whether the host is a literal loopback address or the name `localhost`.
    var isLoopback: Bool {
        if isIPv6 { return Self.ipv6Groups(host[...]) == [0, 0, 0, 0, 0, 0, 0, 1] }
        return host == "localhost" || Self.ipv4Octets(host[...])?.first == 127
    }

    /// The four numbers of a dotted-decimal IPv4 address (`127.0.0.1`), or `nil` for anything
    /// else: fewer parts (`127.1`), hexadecimal or octal parts (`0x7f.0.0.1`, `0177.0.0.1`), a
    /// trailing dot, a number over 255.
    static func ipv4Octets(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var octets: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.utf8.count), part.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            // A leading zero would be octal to some parsers and decimal to others.
            guard part.utf8.count == 1 || part.utf8.first != 0x30, let value = UInt8(part) else { return nil }
            octets.append(value)
        }
        return octets
    }

    /// The eight groups of an IPv6 address in its text form (RFC 4291 §2.2, with at most one
    /// `::` and an optional trailing dotted IPv4 part), or `nil` when it is not one. Zone ids
    /// (`%eth0`) are not allowed in a Host header (RFC 6874 needs them encoded) and are refused.
    static func ipv6Groups(_ text: Substring) -> [UInt16]? {
        guard !text.isEmpty, text.utf8.count <= 45 else { return nil }
        var halves: [Substring] = [text]
        if let gap = text.firstRange(of: "::") {
            halves = [text[..<gap.lowerBound], text[gap.upperBound...]]
            guard !halves[1].contains("::") else { return nil }
        }
        func groups(_ half: Substring, allowIPv4Tail: Bool) -> [UInt16]? {
            guard !half.isEmpty else { return [] }
            var result: [UInt16] = []
            let pieces = half.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if allowIPv4Tail && index == pieces.count - 1 && piece.contains(".") {
                    guard let octets = ipv4Octets(piece) else { return nil }
                    result.append(UInt16(octets[0]) << 8 | UInt16(octets[1]))
                    result.append(UInt16(octets[2]) << 8 | UInt16(octets[3]))
                    continue
                }
                guard (1...4).contains(piece.utf8.count), let value = UInt16(piece, radix: 16),
                    piece.utf8.allSatisfy({ isHexDigit($0) })
                else { return nil }
                result.append(value)
            }
            return result
        }
        if halves.count == 1 {
            guard let all = groups(halves[0], allowIPv4Tail: true), all.count == 8 else { return nil }
            return all
        }
        guard let head = groups(halves[0], allowIPv4Tail: false), let tail = groups(halves[1], allowIPv4Tail: true),
            head.count + tail.count <= 7
        else { return nil }
        return head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46)
    }

    /// A byte a registered name or IPv4 address may hold: unreserved characters, and the
    /// sub-delimiters and percent signs RFC 3986 allows in a reg-name.
    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x61...0x7A, 0x30...0x39, UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"),
            UInt8(ascii: "%"), UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("),
            UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="):
            return true
        default:
            return false
        }
    }
}
