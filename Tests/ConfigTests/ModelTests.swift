import Testing
import VRRP
@testable import Config

@Suite("configuration model")
struct ModelTests {
    @Test("commands split into argv like keepalived; shell syntax is detected", arguments: [
        ("killall -0 nginx", ["killall", "-0", "nginx"], false),
        ("/usr/bin/curl -sf 'http://127.0.0.1/api/v2.0/ping'", ["/usr/bin/curl", "-sf", "http://127.0.0.1/api/v2.0/ping"], false),
        ("\"/opt/my scripts/check.sh\" arg", ["/opt/my scripts/check.sh", "arg"], false),
        ("curl -s http://x | grep -q Pong", ["curl", "-s", "http://x", "|", "grep", "-q", "Pong"], true),
        ("test -f $HOME/x", ["test", "-f", "$HOME/x"], true),
    ])
    func commands(text: String, arguments: [String], shell: Bool) {
        let command = ScriptCommand(text)
        #expect(command.arguments == arguments)
        #expect(command.needsShell == shell)
    }

    @Test("listen addresses: IPv4, bracketed IPv6, a port 1-65535", arguments: [
        ("127.0.0.1:9650", "127.0.0.1:9650"), ("0.0.0.0:1", "0.0.0.0:1"), ("[::1]:9650", "[::1]:9650"),
        ("[fd00:0:0::7]:65535", "[fd00::7]:65535"),
    ])
    func listenAddresses(text: String, normalized: String) {
        #expect(ListenAddress(text)?.description == normalized)
    }

    @Test("bad listen addresses", arguments: ["127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536", "::1:9650", "[::1]", "[127.0.0.1]:9650",
                                              "localhost:9650", "[::1:9650", ":9650"])
    func badListenAddresses(text: String) {
        #expect(ListenAddress(text) == nil)
    }

    @Test("check URLs", arguments: [
        ("http://127.0.0.1/api/v2.0/ping", "http://127.0.0.1:80/api/v2.0/ping"),
        ("https://harbor.local/api/v2.0/health?x=1", "https://harbor.local:443/api/v2.0/health?x=1"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/"),
        ("http://[::1]:8080/ping", "http://[::1]:8080/ping"),
    ])
    func urls(text: String, normalized: String) {
        #expect(HTTPCheckURL(text)?.description == normalized)
    }

    @Test("bad check URLs", arguments: ["ftp://x/", "http://", "http://host:0/", "http://host:99999/", "127.0.0.1/ping", "http://user@host/"])
    func badURLs(text: String) {
        #expect(HTTPCheckURL(text) == nil)
    }

    @Test("did-you-mean picks the closest keyword within a small distance")
    func suggestions() {
        #expect(Suggestion.closest(to: "fail", among: ["fall", "rise", "weight"]) == "fall")
        #expect(Suggestion.closest(to: "priorty", among: ["priority", "state"]) == "priority")
        #expect(Suggestion.closest(to: "bogus_keyword", among: ["priority", "state"]) == nil)
        #expect(Suggestion.editDistance("kitten", "sitting") == 3)
    }
}
