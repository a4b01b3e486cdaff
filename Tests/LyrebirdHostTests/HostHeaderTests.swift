import Testing

@testable import LyrebirdHost

@Suite struct HostHeaderTests {
    @Test(arguments: [
        "127.0.0.1", "127.0.0.1:8080", "127.255.1.2", "localhost", "LOCALHOST:80", "[::1]", "[::1]:443", "[0:0:0:0:0:0:0:1]",
        "[0000::0001]:1",
    ])
    func literalLoopbackAddressesAndLocalhostAreLoopback(value: String) {
        #expect(HostHeader(value)?.isLoopback == true)
    }

    @Test(arguments: [
        "127.attacker.example", "127.0.0.1.nip.io", "127.1.evil", "localhost.evil", "evil.localhost", "0x7f.1", "0x7f.0.0.1",
        "0177.0.0.1", "127.1", "2130706433", "127.0.0.1.", "localhost.", "127.0.0.256", "128.0.0.1", "[::2]", "[::ffff:127.0.0.1]",
    ])
    func namesThatLookLikeLoopbackAreNot(value: String) {
        #expect(HostHeader(value)?.isLoopback != true)
    }

    @Test(arguments: [
        "", "127.0.0.1:", "127.0.0.1:99999", "127.0.0.1:8x", "[::1", "::1", "[::1]x", "[::1%eth0]", "a b", "[1:2:3:4:5:6:7:8:9]",
        "[1::2::3]",
    ])
    func malformedValuesAreNotHosts(value: String) {
        #expect(HostHeader(value) == nil)
    }

    @Test func portsAndCaseAreRead() {
        let header = HostHeader("Mock.Internal:8080")
        #expect(header?.host == "mock.internal")
        #expect(header?.port == 8080)
        #expect(HostHeader("[::1]")?.port == nil)
    }

    @Test func ipv6TextFormsAgree() {
        #expect(HostHeader.ipv6Groups("1:2:3:4:5:6:7:8") == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(HostHeader.ipv6Groups("::") == [0, 0, 0, 0, 0, 0, 0, 0])
        #expect(HostHeader.ipv6Groups("fe80::1:2") == [0xfe80, 0, 0, 0, 0, 0, 1, 2])
        #expect(HostHeader.ipv6Groups("::ffff:1.2.3.4") == [0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304])
        #expect(HostHeader.ipv6Groups("1.2.3.4::") == nil)
    }
}
