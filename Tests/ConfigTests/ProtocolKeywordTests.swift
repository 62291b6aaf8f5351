import Testing
import VRRP
@testable import Config

/// keepalived's protocol-side keywords that real files use (issue 17), with keepalived's
/// meaning: keepalived.conf(5) and its global_parser.c / vrrp_parser.c.
@Suite("protocol keywords of real keepalived.conf files")
struct ProtocolKeywordTests {
    let config = TemporaryConfig()
    let here = IPAddress.v4(IPv4Address(10, 250, 0, 11))

    func router(_ text: String) throws -> (RouterConfiguration, [String]) {
        let result = config.load(text)
        let configuration = try #require(result.configuration, "\(short(result.diagnostics))")
        let instance = try #require(configuration.instances.first)
        return (configuration.routerConfiguration(for: instance, interfaceAddress: here), short(result.diagnostics))
    }

    @Test("vrrp_garp_interval / vrrp_gna_interval: decimal seconds to the microsecond, by the instance's family")
    func announcementIntervals() throws {
        let (v4, diagnostics) = try router("global_defs {\n    vrrp_garp_interval 0.001\n    vrrp_gna_interval 0.000250\n}\n" + minimalInstance)
        #expect(diagnostics == [])
        #expect(v4.gratuitousARP.interval == .milliseconds(1))
        let v6Instance = minimalInstance.replacingOccurrences(of: "10.250.0.66", with: "fd00:250::66")
        let (v6, _) = try router("global_defs {\n    vrrp_garp_interval 0.001\n    vrrp_gna_interval 0.000250\n}\n" + v6Instance)
        #expect(v6.gratuitousARP.interval == .microseconds(250))
        #expect(short(config.load("global_defs {\n    vrrp_garp_interval 0\n}\n" + minimalInstance).diagnostics) == [], "0 is keepalived's default")
        #expect(short(config.load("global_defs {\n    vrrp_garp_interval -0.5\n}\n" + minimalInstance).diagnostics).first?.hasPrefix("2:24: error:") == true)
    }

    @Test("down_timer_adverts: Master_Down_Interval counts that many adverts; the global default; 1 to 100; vrrp_strict keeps 3")
    func downTimerAdverts() throws {
        let (own, _) = try router(minimalInstance(with: "down_timer_adverts 5"))
        #expect(own.downTimerAdverts == 5)
        #expect(VirtualRouter(configuration: own).masterDownInterval == .seconds(5) + Timing.skewTime(priority: 100))
        let (global, _) = try router("global_defs {\n    vrrp_down_timer_adverts 2\n}\n" + minimalInstance)
        #expect(global.downTimerAdverts == 2)
        let (plain, _) = try router(minimalInstance)
        #expect(plain.downTimerAdverts == 3)
        #expect(VirtualRouter(configuration: plain).masterDownInterval == .seconds(3) + Timing.skewTime(priority: 100))
        #expect(short(config.load(minimalInstance(with: "down_timer_adverts 0")).diagnostics)
            == ["3:24: error: `down_timer_adverts` expects a whole number from 1 to 100, got `0`"])
        let (strict, warnings) = try router("global_defs {\n    vrrp_strict\n}\n" + minimalInstance(with: "down_timer_adverts 5"))
        #expect(strict.downTimerAdverts == 3)
        #expect(warnings.contains { $0.contains("`down_timer_adverts` is incompatible with `vrrp_strict`") }, "\(warnings)")
    }

    @Test("dont_track_primary: the own interface is no tracker (its link going down is no FAULT); track_interface still is")
    func dontTrackPrimary() throws {
        let result = config.load(minimalInstance(with: "dont_track_primary\n    track_interface {\n        eth1\n    }"))
        let configuration = try #require(result.configuration, "\(short(result.diagnostics))")
        let trackers = configuration.trackerSet(for: try #require(configuration.instances.first))
        #expect(trackers.objects == [.interface("eth1")])
        let plain = try #require(config.load(minimalInstance).configuration)
        #expect(plain.trackerSet(for: try #require(plain.instances.first)).objects == [.interface("eth0")])
    }

    @Test("vrrp_skip_check_adv_addr / skip_check_adv_addr: on, off, instance over global")
    func skipCheckAdvertAddresses() throws {
        #expect(try router("global_defs {\n    vrrp_skip_check_adv_addr\n}\n" + minimalInstance).0.skipAddressListCheck)
        #expect(try !router(minimalInstance).0.skipAddressListCheck)
        #expect(try !router("global_defs {\n    vrrp_skip_check_adv_addr\n}\n" + minimalInstance(with: "skip_check_adv_addr off")).0.skipAddressListCheck)
        #expect(try router(minimalInstance(with: "skip_check_adv_addr")).0.skipAddressListCheck)
    }

    @Test("vrrp_min_garp: one frame at takeover, no delayed burst, no refresh; what the file set before it stays")
    func minimalGratuitousARP() throws {
        let (minimal, diagnostics) = try router("global_defs {\n    vrrp_min_garp true\n}\n" + minimalInstance)
        #expect(diagnostics == [])
        #expect(minimal.gratuitousARP.repeatCount == 1)
        #expect(minimal.gratuitousARP.delay == .zero)
        #expect(minimal.gratuitousARP.refresh == nil)
        let (kept, _) = try router("global_defs {\n    vrrp_garp_master_repeat 3\n    vrrp_min_garp\n}\n" + minimalInstance)
        #expect(kept.gratuitousARP.repeatCount == 3)
        #expect(kept.gratuitousARP.delay == .zero)
        let (off, _) = try router("global_defs {\n    vrrp_min_garp false\n}\n" + minimalInstance)
        #expect(off.gratuitousARP == .keepalivedDefaults)
    }
}

extension ProtocolKeywordTests {
    @Test("vrrp_startup_delay / vrrp_delay_after_boot: seconds, the larger of the two wins")
    func startupDelay() throws {
        let result = config.load("global_defs {\n    vrrp_startup_delay 2.5\n    vrrp_delay_after_boot 1\n}\n" + minimalInstance)
        #expect(short(result.diagnostics) == [])
        #expect(try #require(result.configuration).globals.startupDelay == .milliseconds(2_500))
        #expect(short(config.load("global_defs {\n    vrrp_startup_delay -1\n}\n" + minimalInstance).diagnostics).first?.hasPrefix("2:24: error:") == true)
    }
}

extension ProtocolKeywordTests {
    @Test("garp_lower_prio_*: instance over global over the global master values; vrrp_strict makes them 0 with a warning")
    func lowerPriorityGratuitousARP() throws {
        let (defaults, _) = try router("global_defs {\n    vrrp_garp_master_repeat 2\n}\n" + minimalInstance(with: "garp_master_repeat 4"))
        #expect(defaults.gratuitousARP.lowerPriorityRepeatCount == 2)
        #expect(defaults.gratuitousARP.lowerPriorityDelay == .seconds(5))
        let (global, _) = try router("global_defs {\n    vrrp_garp_lower_prio_repeat 1\n    vrrp_garp_lower_prio_delay 10\n}\n" + minimalInstance)
        #expect(global.gratuitousARP.lowerPriorityRepeatCount == 1)
        #expect(global.gratuitousARP.lowerPriorityDelay == .seconds(10))
        let (own, _) = try router("global_defs {\n    vrrp_garp_lower_prio_repeat 1\n}\n" + minimalInstance(with: "garp_lower_prio_repeat 3\n    garp_lower_prio_delay 0"))
        #expect(own.gratuitousARP.lowerPriorityRepeatCount == 3)
        #expect(own.gratuitousARP.lowerPriorityDelay == .zero)
        let (strict, warnings) = try router("global_defs {\n    vrrp_strict\n}\n" + minimalInstance(with: "garp_lower_prio_repeat 3"))
        #expect(strict.gratuitousARP.lowerPriorityRepeatCount == 0)
        #expect(warnings.contains { $0.contains("`garp_lower_prio_*` reset to 0") }, "\(warnings)")
    }

    func definition(_ text: String) throws -> (InstanceDefinition, [String]) {
        let result = config.load(text)
        let configuration = try #require(result.configuration, "\(short(result.diagnostics))")
        return (try #require(configuration.instances.first), short(result.diagnostics))
    }

    @Test("accept / no_accept: Accept_Mode as keepalived resolves it; on by default, off under vrrp_strict, never off for the address owner")
    func acceptMode() throws {
        #expect(try definition(minimalInstance).0.dropsTrafficToAddresses == false)
        #expect(try definition(minimalInstance(with: "no_accept")).0.dropsTrafficToAddresses == true)
        #expect(try definition(minimalInstance(with: "no_accept\n    accept")).0.dropsTrafficToAddresses == false, "the last one wins")
        #expect(try definition(minimalInstance(with: "priority 255\n    no_accept")).0.dropsTrafficToAddresses == false, "the owner accepts")
        let strict = "global_defs {\n    vrrp_strict\n}\n"
        let (v2, quiet) = try definition(strict + minimalInstance)
        #expect(v2.dropsTrafficToAddresses && quiet == [])
        let (v3, accepted) = try definition(strict + minimalInstance(with: "version 3\n    accept"))
        #expect(!v3.dropsTrafficToAddresses && accepted == [])
        let (reset, warned) = try definition(strict + minimalInstance(with: "accept"))
        #expect(reset.dropsTrafficToAddresses)
        #expect(warned == ["6:5: warning: vrrp_instance `VI_1`: `accept` does not comply with RFC 3768 under `vrrp_strict`; using `no_accept` (traffic to its addresses is dropped), as keepalived does"])
    }

    @Test("track_file NAME { file; weight N [reverse]; init_file [VALUE] [overwrite] }, vrrp_track_file (warned), and an instance's track_file { NAME [weight N] }")
    func trackFile() throws {
        let text = """
        track_file drain {
            file /run/harbor/drain
            weight -20 reverse
            init_file 5 overwrite
        }
        vrrp_track_file down {
            file "/run/harbor/down"
        }
        """ + "\n" + minimalInstance(with: "track_file {\n        drain\n        down weight 0\n    }")
        let result = config.load(text)
        let configuration = try #require(result.configuration, "\(short(result.diagnostics))")
        #expect(configuration.trackFiles.map(\.name) == ["drain", "down"])
        let drain = try #require(configuration.trackFile(named: "drain"))
        #expect(drain.path == "/run/harbor/drain" && drain.weight == TrackerWeight(-20, reverse: true))
        #expect(drain.initialization == .init(value: 5, overwrite: true))
        #expect(configuration.trackFile(named: "down")?.weight == TrackerWeight(1), "keepalived's default weight is 1")
        #expect(short(result.diagnostics) == [
            "6:1: warning: `vrrp_track_file` is keepalived's deprecated name for `track_file`; read as `track_file`",
        ])
        let missing = config.load(minimalInstance(with: "track_file {\n        dran\n    }") + "\ntrack_file drain {\n    file /x\n}\n")
        #expect(short(missing.diagnostics).first?.hasPrefix("4:9: error: vrrp_instance `VI_1` tracks track_file `dran`, which is not defined") == true,
                "\(short(missing.diagnostics))")
        let instance = try #require(configuration.instances.first)
        let trackers = configuration.trackerSet(for: instance)
        #expect(trackers.entries.filter { if case .file = $0.object { true } else { false } }.map(\.weight)
                == [TrackerWeight(-20, reverse: true), TrackerWeight(0)])
        #expect(short(config.load("track_file x {\n    weight 255\n}\n" + minimalInstance).diagnostics).contains {
            $0.hasPrefix("2:12: error:")
        })
        #expect(short(config.load("track_file x {\n    weight 2\n}\n" + minimalInstance).diagnostics) == ["1:12: error: track_file `x` has no `file`"])
    }
}
