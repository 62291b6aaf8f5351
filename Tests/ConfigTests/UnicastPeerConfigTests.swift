import Testing
import VRRP
@testable import Config

/// `unicast_peer { IP [min_ttl N] [max_ttl N] }`, `unicast_ttl`, `check_unicast_src` and
/// `vrrp_check_unicast_src`, with keepalived 2.2's syntax and ranges (vrrp_data.c
/// `alloc_vrrp_unicast_peer`, vrrp_parser.c `vrrp_ttl_handler`).
@Suite("unicast peer keywords")
struct UnicastPeerConfigTests {
    let config = TemporaryConfig()

    func instance(_ body: String, globals: String = "") -> String {
        """
        global_defs {
        \(globals)
        }
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            unicast_src_ip 10.250.71.1
        \(body)
            virtual_ipaddress {
                10.250.71.66
            }
        }
        """
    }

    @Test("min_ttl / max_ttl per peer, and a peer with them turns the source check on")
    func ttlOptions() throws {
        let result = config.load(instance("""
            unicast_peer {
                10.250.72.2 min_ttl 250 max_ttl 254
                10.250.73.3 max_ttl 200
                10.250.74.4
            }
        """))
        #expect(short(result.diagnostics) == [])
        let configuration = try #require(result.configuration)
        let definition = try #require(configuration.instances.first)
        #expect(definition.unicastPeers.map(\.description) == ["10.250.72.2", "10.250.73.3", "10.250.74.4"])
        let reception = try #require(configuration.unicastReception(for: definition))
        #expect(reception.checksSource)
        #expect(reception.peers[.v4(IPv4Address(10, 250, 72, 2))] == TTLRange(minimum: 250, maximum: 254))
        #expect(reception.peers[.v4(IPv4Address(10, 250, 73, 3))] == TTLRange(minimum: 0, maximum: 200))
        #expect(reception.peers[.v4(IPv4Address(10, 250, 74, 4))] == .any)
    }

    @Test("without min_ttl/max_ttl or check_unicast_src, any source and TTL (keepalived's default)")
    func defaults() throws {
        let result = config.load(instance("    unicast_peer {\n        10.250.72.2\n    }"))
        let configuration = try #require(result.configuration)
        let reception = try #require(configuration.unicastReception(for: configuration.instances[0]))
        #expect(!reception.checksSource)
        #expect(configuration.instances[0].unicastTTL == nil)
        // A multicast instance has no unicast rules at all: §7.1's TTL 255 applies.
        let multicast = try #require(config.load(minimalInstance).configuration)
        #expect(multicast.unicastReception(for: multicast.instances[0]) == nil)
    }

    @Test("check_unicast_src in the instance, vrrp_check_unicast_src in global_defs")
    func checkSource() throws {
        let local = try #require(config.load(instance("    check_unicast_src\n    unicast_peer {\n        10.250.72.2\n    }")).configuration)
        #expect(local.unicastReception(for: local.instances[0])?.checksSource == true)
        let global = try #require(config.load(instance("    unicast_peer {\n        10.250.72.2\n    }", globals: "    vrrp_check_unicast_src")).configuration)
        #expect(global.globals.checkUnicastSource)
        #expect(global.unicastReception(for: global.instances[0])?.checksSource == true)
    }

    @Test("unicast_ttl sets the TTL of unicast adverts; 0...255 as in keepalived")
    func unicastTTL() throws {
        let result = config.load(instance("    unicast_ttl 64\n    unicast_peer {\n        10.250.72.2\n    }"))
        #expect(short(result.diagnostics) == [])
        #expect(result.configuration?.instances[0].unicastTTL == 64)
        let bad = config.load(instance("    unicast_ttl 256\n    unicast_peer {\n        10.250.72.2\n    }"))
        #expect(short(bad.diagnostics) == ["8:17: error: `unicast_ttl` expects a whole number from 0 to 255, got `256`"])
        let word = config.load(instance("    unicast_ttl many\n    unicast_peer {\n        10.250.72.2\n    }"))
        #expect(short(word.diagnostics) == ["8:17: error: `unicast_ttl` expects a whole number from 0 to 255, got `many`"])
    }

    @Test("unicast_ttl without unicast_peer is a warning, as keepalived resets it")
    func unicastTTLWithoutPeers() {
        let result = config.load(instance("    unicast_ttl 64"))
        #expect(short(result.diagnostics) == ["8:17: warning: vrrp_instance `VI_1` has `unicast_ttl` but no `unicast_peer`: ignored (multicast adverts always leave with TTL 255)"])
        #expect(result.configuration != nil)
    }

    @Test("bad min_ttl / max_ttl values and options are errors at their positions")
    func badValues() {
        let result = config.load(instance("""
            unicast_peer {
                10.250.72.2 min_ttl 300
                10.250.73.3 max_ttl -1
                10.250.74.4 ttl 5
                10.250.75.5 min_ttl
            }
        """))
        #expect(short(result.diagnostics) == [
            "9:29: error: `min_ttl` expects a whole number from 0 to 255, got `300`",
            "10:29: error: `max_ttl` expects a whole number from 0 to 255, got `-1`",
            "11:21: error: unknown `unicast_peer` option `ttl` (expected min_ttl N or max_ttl N)",
            "12:21: error: `min_ttl` needs a value",
        ])
        #expect(result.configuration == nil)
    }

    @Test("min_ttl above max_ttl warns that everything will be dropped; a duplicate peer is skipped")
    func emptyRangeAndDuplicate() {
        let result = config.load(instance("""
            unicast_peer {
                10.250.72.2 min_ttl 250 max_ttl 100
                10.250.72.2
            }
        """))
        #expect(short(result.diagnostics) == [
            "9:9: warning: `unicast_peer` 10.250.72.2: min_ttl 250 > max_ttl 100, every advert from it will be dropped",
            "10:9: warning: duplicate `unicast_peer` 10.250.72.2: ignored",
        ])
        #expect(result.configuration?.instances[0].unicastPeers.count == 1)
    }
}
