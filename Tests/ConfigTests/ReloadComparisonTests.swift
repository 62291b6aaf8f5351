import Testing
import VRRP
@testable import Config

/// `Configuration.runsSame`: what a SIGHUP reload keeps running untouched.
@Suite("reload: comparing instances by settings")
struct ReloadComparisonTests {
    static let base = """
    global_defs { router_id harbor-a }
    vrrp_script chk_nginx {
        script "/usr/bin/true"
        interval 2
        weight -20
    }
    vrrp_instance VI_1 {
        interface eth0
        virtual_router_id 51
        priority 150
        advert_int 1
        virtual_ipaddress { 10.250.1.100/24 }
        track_script { chk_nginx }
    }
    vrrp_instance VI_2 {
        interface eth0
        virtual_router_id 52
        priority 100
        virtual_ipaddress { 10.250.1.101/24 }
    }

    """

    func load(_ text: String) throws -> Configuration {
        let scratch = TemporaryConfig()
        return try #require(scratch.load(text).configuration, "\(scratch.load(text).diagnostics)")
    }

    func same(_ name: String, _ old: String, _ new: String) throws -> Bool {
        let before = try load(old), after = try load(new)
        let instance = try #require(after.instances.first { $0.name == name })
        return after.runsSame(instance, as: before)
    }

    @Test("an edit that only moves lines (comments, blank lines, reordering) changes nothing")
    func movedLines() throws {
        let moved = "# edited by hand\n\n\n" + Self.base.replacingOccurrences(of: "    priority 150", with: "    # higher wins\n    priority 150")
        #expect(try same("VI_1", Self.base, moved))
        #expect(try same("VI_2", Self.base, moved))
        // Locations differ, settings do not.
        let before = try load(Self.base), after = try load(moved)
        #expect(before.instances[0] != after.instances[0])
        #expect(before.instances[0].settings == after.instances[0].settings)
    }

    @Test("a changed priority, address, tracked check or multicast group changes the instance, and only it", arguments: [
        ("    priority 150", "    priority 90", "VI_1"),
        ("10.250.1.100/24", "10.250.1.110/24", "VI_1"),
        ("    weight -20", "    weight -40", "VI_1"),
        ("    interval 2", "    interval 3", "VI_1"),
        ("    priority 100", "    priority 101", "VI_2"),
    ])
    func changed(old: String, new: String, changed: String) throws {
        let edited = Self.base.replacingOccurrences(of: old, with: new)
        #expect(edited != Self.base)
        for name in ["VI_1", "VI_2"] {
            #expect(try same(name, Self.base, edited) == (name != changed), "\(name) after \(old) -> \(new)")
        }
    }

    @Test("a global that shapes every router (the multicast group) changes every instance")
    func globals() throws {
        let edited = Self.base.replacingOccurrences(of: "router_id harbor-a", with: "router_id harbor-a\n    vrrp_mcast_group4 224.0.0.19")
        #expect(try !same("VI_1", Self.base, edited))
        #expect(try !same("VI_2", Self.base, edited))
        let renamed = Self.base.replacingOccurrences(of: "router_id harbor-a", with: "router_id harbor-b")
        #expect(try same("VI_1", Self.base, renamed))
    }

    @Test("an instance that is new has nothing to continue")
    func added() throws {
        let renamed = Self.base.replacingOccurrences(of: "VI_2", with: "VI_3")
        #expect(try !same("VI_3", Self.base, renamed))
    }
}
