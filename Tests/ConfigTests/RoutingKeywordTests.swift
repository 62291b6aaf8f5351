import Testing
import VRRP
@testable import Config

/// `virtual_routes`, `virtual_rules`, `static_routes`, `static_rules` with keepalived 2.2.7's
/// reading (vrrp_iproute.c `alloc_route`, vrrp_iprule.c `alloc_rule`).
@Suite("virtual_routes / virtual_rules / static_routes / static_rules")
struct RoutingKeywordTests {
    let config = TemporaryConfig()

    private func v4(_ text: String) -> IPAddress { IPAddress(text)! }

    @Test("keepalived.conf(5)'s examples and the corpus's: src, to, via/gw, or, dev, scope, table, metric, blackhole, default, onlink, mtu, IPv6")
    func routes() throws {
        let text = minimalInstance(with: """
        virtual_routes {
                src 10.250.101.10 to 10.250.102.0/24 via 10.250.101.1 dev eth0
                10.250.103.0/24 dev eth0 scope link table 100 metric 7 protocol static
                blackhole 10.250.104.0/24
                default gw 10.250.101.254 table 100
                10.250.105.0/24 via 10.250.101.1 or 10.250.101.2 dev eth0 onlink mtu lock 1400
                fd00:250:102::/64 via fd00:250:101::1 dev eth0
            }
        """)
        let result = config.load(text)
        let configuration = try #require(result.configuration, "\(short(result.diagnostics))")
        let routes = try #require(configuration.instances.first).virtualRoutes
        try #require(routes.count == 6, "\(short(result.diagnostics))")
        #expect(routes[0].preferredSource == v4("10.250.101.10") && routes[0].destination == IPPrefix(address: v4("10.250.102.0"), length: 24))
        #expect(routes[0].gateways == [v4("10.250.101.1")] && routes[0].device == "eth0" && routes[0].table == .main)
        #expect(routes[0].scope == .global && routes[0].routeProtocol == .keepalived, "keepalived's defaults: universe scope, proto 18")
        #expect(routes[1].scope == .link && routes[1].table == RoutingTable(100) && routes[1].metric == 7 && routes[1].routeProtocol == RouteProtocol(4))
        #expect(routes[2].kind == .blackhole && routes[2].gateways.isEmpty)
        #expect(routes[3].destination == .any(.ipv4) && routes[3].gateways == [v4("10.250.101.254")] && routes[3].table == RoutingTable(100))
        #expect(routes[4].gateways == [v4("10.250.101.1"), v4("10.250.101.2")] && routes[4].onlink && routes[4].mtu == 1400)
        #expect(routes[5].family == .ipv6 && routes[5].destination.length == 64)
        #expect(routes[3].description == "default via 10.250.101.254 table 100")
        let warnings = short(result.diagnostics)
        #expect(warnings.contains { $0.contains("`gw` in a route is deprecated") })
        #expect(warnings.contains { $0.contains("`or` in a route is deprecated") })
        #expect(warnings.contains { $0.contains("`mtu lock` is not supported") })
        #expect(result.errors == 0)
    }

    @Test("rules: from, to, table, goto with preference, fwmark, iif/oif, tos; a rule without preference gets keepalived's 16384, 16383, ... with a warning")
    func rules() throws {
        let text = """
        static_rules {
            from 10.250.103.0/24 table 200
        }
        """ + "\n" + minimalInstance(with: """
        virtual_rules {
                from 10.250.101.10 table 100
                to 10.250.102.0/24 lookup main preference 50 fwmark 0x10/0xff iif eth0 oif eth0 tos 0x04
                from all priority 40 goto 50
                from fd00:250:101::10 table 100 pref 30
                to 10.250.104.0/24 blackhole
            }
        """)
        let result = config.load(text)
        let configuration = try #require(result.configuration, "\(short(result.diagnostics))")
        let rules = try #require(configuration.instances.first).virtualRules
        try #require(rules.count == 5, "\(short(result.diagnostics))")
        #expect(configuration.staticRules.map(\.priority) == [16_384], "the static rule comes first in the file")
        #expect(rules[0].from == IPPrefix(address: v4("10.250.101.10"), length: 32) && rules[0].action == .table(RoutingTable(100)))
        #expect(rules[0].priority == 16_383, "the next IPv4 rule without preference")
        #expect(rules[1].action == .table(.main) && rules[1].priority == 50 && rules[1].firewallMark == .init(value: 16, mask: 255))
        #expect(rules[1].inputInterface == "eth0" && rules[1].outputInterface == "eth0" && rules[1].typeOfService == 4)
        #expect(rules[2].action == .goto(50) && rules[2].priority == 40 && rules[2].from == .any(.ipv4))
        #expect(rules[3].family == .ipv6 && rules[3].priority == 30)
        #expect(rules[4].action == .blackhole && rules[4].priority == 16_382)
        #expect(rules[0].description == "16383: from 10.250.101.10/32 lookup 100")
        #expect(short(result.diagnostics).filter { $0.contains("rule without a `preference`") }.count == 3)
    }

    @Test("bad values are errors at the word, and the entry is dropped (keepalived drops it too)")
    func errors() throws {
        let text = minimalInstance(with: """
        virtual_routes {
                10.250.102.0/33 dev eth0
                10.250.102.0/24 via nowhere
                10.250.102.0/24 table 0
                10.250.102.0/24 metrik 5
                10.250.102.0/24 via fd00::1
                via 10.250.101.1
            }
            virtual_rules {
                from 10.250.101.10 table 100 goto 200 preference 5
                from 10.250.101.10
                from 10.250.101.10 preference 300 goto 200
                from 10.250.101.10 table 100 fwmark x
            }
        """)
        let result = config.load(text)
        let messages = short(result.diagnostics)
        #expect(messages.contains("4:9: error: `virtual_routes`: the prefix length of `10.250.102.0/33` must be 0 to 32"))
        #expect(messages.contains("5:29: error: `virtual_routes`: expected an IPv4 or IPv6 address, got `nowhere`"))
        #expect(messages.contains { $0.hasPrefix("6:31: error: `table` expects main, local, default or a number") })
        #expect(messages.contains { $0.hasPrefix("7:25: error: `virtual_routes`: unknown route option or destination `metrik`; did you mean `metric`?") })
        #expect(messages.contains { $0.hasPrefix("8:29: error: `virtual_routes`: cannot mix IPv4 and IPv6") })
        #expect(messages.contains("9:9: error: `virtual_routes`: a route needs a destination (`DEST[/LEN]` or `default`)"))
        #expect(messages.contains { $0.hasPrefix("12:38: error: `virtual_rules`: a rule has one of table / goto") })
        #expect(messages.contains { $0.hasPrefix("13:9: error: `virtual_rules`: the rule has no action") })
        #expect(messages.contains { $0.hasPrefix("14:43: error: `virtual_rules`: preference 300 must be below the goto target 200") })
        #expect(messages.contains { $0.hasPrefix("15:45: error: `fwmark` expects MARK or MARK/MASK") })
        #expect(result.configuration == nil)
    }

    @Test("what keepalived has and vipkeeper does not: a tuning option is ignored, one that changes the entry leaves it out, each with a warning")
    func unsupported() throws {
        let text = """
        static_routes {
            10.250.103.0/24 dev eth0 track_group G1 advmss 1400
            10.250.104.0/24 nexthop via 10.250.101.1 dev eth0
        }
        """ + "\n" + minimalInstance(with: """
        virtual_rules {
                not from 10.250.101.10 table 100 preference 10
                from 10.250.101.10 table 100 preference 11 uidrange 1000-2000
            }
        """)
        let result = config.load(text)
        let configuration = try #require(result.configuration, "\(short(result.diagnostics))")
        #expect(configuration.staticRoutes.count == 1 && configuration.staticRoutes.first?.device == "eth0")
        #expect(configuration.instances.first?.virtualRules.isEmpty == true)
        let messages = short(result.diagnostics)
        #expect(messages.contains { $0.contains("`track_group G1` is not supported by vipkeeper") })
        #expect(messages.contains { $0.contains("`advmss` in a route is not supported by vipkeeper; ignored") })
        #expect(messages.contains { $0.contains("`nexthop` in a route is a keepalived feature vipkeeper does not support; this route is not installed") })
        #expect(messages.contains { $0.contains("`not` (an inverted rule) is not supported") })
        #expect(messages.contains { $0.contains("`uidrange` in a rule is not supported by vipkeeper; this rule is not installed") })
        #expect(result.ignoredKeywords.isEmpty, "the blocks themselves are read now")
    }

    @Test("the corpus's virtual_routes (Luolired/Supervisor-Keepalived) read without an error")
    func corpus() throws {
        let text = minimalInstance(with: """
        virtual_routes {
                    10.22.10.0/24 dev bond0 src 10.22.10.124
                    10.20.10.0/24 via 10.22.10.254 dev bond0 src 10.22.10.124
                    default gw 10.22.10.114
            }
        """)
        let result = config.load(text)
        let routes = try #require(result.configuration?.instances.first?.virtualRoutes, "\(short(result.diagnostics))")
        #expect(routes.count == 3 && result.errors == 0)
        #expect(routes[0].preferredSource == v4("10.22.10.124") && routes[0].gateways.isEmpty)
    }

    @Test("a one-line block: every route is read (options take their values), with keepalived's one-statement warning")
    func oneLine() throws {
        let text = minimalInstance(with: "virtual_routes { blackhole 10.250.102.0/24 table 100 10.250.103.0/24 via 10.250.101.1 dev eth0 }")
        let result = config.load(text)
        let routes = try #require(result.configuration?.instances.first?.virtualRoutes, "\(short(result.diagnostics))")
        #expect(routes.map(\.description) == ["blackhole 10.250.102.0/24 table 100", "10.250.103.0/24 via 10.250.101.1 dev eth0"])
        #expect(short(result.diagnostics).contains { $0.contains("keepalived reads this one-line block as the single statement `blackhole 10.250.102.0/24 table 100`") })
    }
}
