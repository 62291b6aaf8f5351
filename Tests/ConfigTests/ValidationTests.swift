#if canImport(Glibc)
import Glibc
#endif
import Testing
import VRRP
@testable import Config

@Suite("configuration validation")
struct ValidationTests {
    let config = TemporaryConfig()

    func diagnostics(_ text: String) -> [String] {
        short(config.load(text).diagnostics)
    }

    @Test("typos seen in the wild get a did-you-mean")
    func typos() {
        let result = diagnostics("""
        vrrp_script chk { script /bin/true
            fail 3 }
        vrrp_sync_groups VG { group { VI_1 } }
        \(minimalInstance.replacingOccurrences(of: "interface eth0", with: "interface eth0\n    track_script { chk }\n    virtual_ipaddresses { 10.250.0.1 }"))
        """)
        #expect(result.contains("2:5: error: unknown keyword `fail` in vrrp_script; did you mean `fall`?"))
        #expect(result.contains("3:1: error: unknown keyword `vrrp_sync_groups` in the top level; did you mean `vrrp_sync_group`?"))
        #expect(result.contains("7:5: error: unknown keyword `virtual_ipaddresses` in vrrp_instance; did you mean `virtual_ipaddress`?"))
    }

    @Test("a misspelt block is still checked inside")
    func misspeltBlockChecked() {
        let result = diagnostics("vrrp_sync_groups VG { group { VI_9 } }\n" + minimalInstance)
        #expect(result.contains("1:31: error: vrrp_sync_group `VG` lists `VI_9`, which is not a vrrp_instance; did you mean `VI_1`?"))
    }

    @Test("keepalived features vipkeeper lacks are warnings and their blocks are skipped")
    func unsupported() {
        let result = config.load("""
        global_defs {
            notification_email {
                ops@example.com
            }
            enable_snmp_vrrp
        }
        virtual_server 10.250.0.66 443 {
            delay_loop 6
            real_server 10.250.0.11 443 { weight 1 }
        }
        \(minimalInstance)
        """)
        #expect(short(result.diagnostics) == [
            "5:5: warning: `enable_snmp_vrrp` in global_defs is a keepalived feature vipkeeper does not support; ignored",
            "7:1: warning: `virtual_server` and the rest of the LVS configuration are served by keepalived's checker (`keepalived --check`, with `--vrrp` left to vipkeeper), not by vipkeeper; ignored",
        ])
        #expect(result.configuration != nil)
    }

    @Test("every problem in the file is reported, not only the first")
    func allProblems() {
        let result = diagnostics("""
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 0
            priority high
            advert_int 0.5
            state STANDBY
            virtual_ipaddress {
                10.250.0.300
                fe80::1
            }
        }
        """)
        #expect(result == [
            "3:23: error: `virtual_router_id` expects a whole number from 1 to 255, got `0`",
            "4:14: error: `priority` expects a whole number from 1 to 255, got `high`",
            "5:16: error: `advert_int 0.5` is not whole seconds: VRRPv2 advertises in whole seconds; for sub-second adverts set `vrrp_version 3` in global_defs (on every node of the virtual router at once) or `version 3` in this instance",
            "6:11: warning: `state` is MASTER or BACKUP, in capitals; keepalived starts an instance with `state STANDBY` as BACKUP, and so does vipkeeper",
            "8:9: error: `virtual_ipaddress` expects IPv4[/PREFIX] or IPv6[/PREFIX], got `10.250.0.300`",
            "9:9: error: `virtual_ipaddress` fe80::1 is a link-local address; a virtual IPv6 address must be global or unique-local",
        ])
    }

    @Test("required keywords")
    func required() {
        let result = diagnostics("vrrp_instance VI_1 {\n    priority 100\n}\nvrrp_script s {\n    interval 2\n}\nvrrp_http_check h {\n    interval 2\n}\n")
        #expect(result.contains("1:15: error: vrrp_instance `VI_1` has no `virtual_router_id` (1-255)"))
        #expect(result.contains("1:15: error: vrrp_instance `VI_1` has no `interface`"))
        #expect(result.contains { $0.hasPrefix("1:15: warning: vrrp_instance `VI_1` has no virtual address: it is elected") })
        #expect(result.contains("4:13: error: vrrp_script `s` has no `script`"))
        #expect(result.contains("7:17: error: vrrp_http_check `h` has no `url`"))
        #expect(diagnostics("global_defs { router_id x }\n") == ["1:1: error: no `vrrp_instance` is defined; there is nothing to run"])
    }

    @Test("duplicate VRID on one interface, duplicate names")
    func duplicates() {
        let result = diagnostics(minimalInstance + "\n" + minimalInstance.replacingOccurrences(of: "10.250.0.66", with: "10.250.0.67") + """

        vrrp_script chk { script /bin/true }
        vrrp_http_check chk { url http://127.0.0.1/ }
        """)
        #expect(result.contains("8:15: error: vrrp_instance `VI_1` is already defined at \(config.directory)/keepalived.conf:1:15"))
        #expect(result.contains("10:23: error: virtual_router_id 51 is already used on eth0 by vrrp_instance `VI_1` (\(config.directory)/keepalived.conf:1:15)"))
        #expect(result.contains("16:17: error: vrrp_http_check `chk` is already defined at \(config.directory)/keepalived.conf:15:13 (scripts and HTTP checks share one name space)"))
        // The same VRID on another interface is fine.
        let other = diagnostics(minimalInstance + "\n" + minimalInstance.replacingOccurrences(of: "VI_1", with: "VI_2").replacingOccurrences(of: "eth0", with: "eth1"))
        #expect(other == [])
    }

    @Test("tracking: unknown names, unused checks, weight override")
    func tracking() throws {
        let result = config.load("""
        vrrp_script chk_nginx {
            script "killall -0 nginx"
            weight -20
            init_fail
        }
        vrrp_script lonely { script /bin/true }
        vrrp_http_check ping { url http://127.0.0.1/api/v2.0/ping }
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            virtual_ipaddress { 10.250.0.66 }
            track_script {
                chk_nginx weight -50 reverse
                ping
            }
        }
        """)
        #expect(short(result.diagnostics) == [
            "6:13: warning: vrrp_script `lonely` is tracked by no vrrp_instance (add it to a `track_script` block of an instance or a sync group); it will not run",
        ])
        let configuration = try #require(result.configuration)
        let instance = try #require(configuration.instances.first)
        let trackers = configuration.trackerSet(for: instance)
        #expect(trackers.objects == [.check("chk_nginx"), .check("ping"), .interface("eth0")])
        #expect(trackers.entries[0].weight == TrackerWeight(-50, reverse: true))
        #expect(trackers.entries[0].isUp == false)  // init_fail
        #expect(trackers.entries[1].weight == TrackerWeight(0))
        #expect(trackers.effectivePriority == 150)  // reverse: -50 while down adds 50
        let unknown = diagnostics(minimalInstance.replacingOccurrences(of: "interface eth0", with: "interface eth0\n    track_script { chk_ngnix }") + "\nvrrp_script chk_nginx { script /bin/true }\n")
        #expect(unknown.contains("3:20: error: vrrp_instance `VI_1` tracks `chk_ngnix`, which is not a vrrp_script or vrrp_http_check; did you mean `chk_nginx`?"))
    }

    @Test("state MASTER without priority becomes the owner (255), with a warning")
    func masterWithoutPriority() throws {
        let result = config.load(minimalInstance.replacingOccurrences(of: "interface eth0", with: "interface eth0\n    state MASTER"))
        #expect(short(result.diagnostics) == ["1:15: warning: vrrp_instance `VI_1` has `state MASTER` and no `priority`: its priority is 255 (address owner), as in keepalived, so it never yields the VIP to a peer; set `priority` explicitly"])
        #expect(result.configuration?.instances.first?.priority == 255)
    }

    @Test("nopreempt and preempt_delay are ignored with state MASTER, as in keepalived")
    func nopreemptWithMaster() throws {
        let result = config.load(minimalInstance.replacingOccurrences(of: "interface eth0", with: "interface eth0\n    state MASTER\n    priority 100\n    nopreempt"))
        #expect(short(result.diagnostics) == ["5:5: warning: `nopreempt` is ignored with `state MASTER` (keepalived requires the initial state BACKUP for it, and so does vipkeeper); set `state BACKUP`"])
        #expect(result.configuration?.instances.first?.preempt == true)
        let backup = config.load(minimalInstance.replacingOccurrences(of: "interface eth0", with: "interface eth0\n    nopreempt\n    preempt_delay 30"), name: "b.conf")
        #expect(short(backup.diagnostics) == ["4:5: warning: `preempt_delay` has no effect together with `nopreempt`"])
        #expect(backup.configuration?.instances.first?.preempt == false)
    }

    @Test("the nopreempt trap: nopreempt with a negative-weight check")
    func nopreemptTrap() {
        let result = diagnostics("""
        vrrp_script chk_nginx { script "killall -0 nginx"
            weight -20 }
        vrrp_instance VI_1 {
            state BACKUP
            nopreempt
            interface eth0
            virtual_router_id 51
            virtual_ipaddress { 10.250.0.66 }
            track_script { chk_nginx }
        }
        """)
        #expect(result.count == 1)
        #expect(result.first?.hasPrefix("5:5: warning: `nopreempt` with negative-weight tracking (chk_nginx): when a check fails on the Master it only lowers its priority") == true)
        #expect(result.first?.contains("use weight 0 (FAULT: the Master resigns) or `preempt` with `preempt_delay`") == true)
        // weight 0 (FAULT) is the safe combination: no warning.
        let safe = diagnostics("vrrp_script chk { script /bin/true }\n" + minimalInstance.replacingOccurrences(of: "interface eth0", with: "interface eth0\n    nopreempt\n    track_script { chk }"))
        #expect(safe == [])
    }

    @Test("authentication rules")
    func authentication() {
        #expect(diagnostics(minimalInstance.replacingOccurrences(of: "interface eth0", with: "interface eth0\n    authentication {\n        auth_type AH\n        auth_pass x\n    }"))
                == ["4:19: error: `auth_type AH` (IPsec AH) is not supported by vipkeeper; use PASS or no authentication"])
        #expect(diagnostics(minimalInstance.replacingOccurrences(of: "interface eth0", with: "interface eth0\n    authentication { auth_type PASS }"))
                == ["3:32: error: `auth_type PASS` needs an `auth_pass`"])
        #expect(diagnostics("global_defs { vrrp_strict }\n" + minimalInstance.replacingOccurrences(of: "interface eth0", with: "interface eth0\n    authentication { auth_type PASS auth_pass x }\n    unicast_peer { 10.250.0.2 }"))
                == ["2:15: error: vrrp_instance `VI_1` uses `unicast_peer`, which `vrrp_strict` forbids",
                    "2:15: error: vrrp_instance `VI_1` uses `authentication`, which `vrrp_strict` forbids (RFC 3768 removed it)",
                    "4:37: warning: keepalived reads this one-line block as the single statement `auth_type PASS` and ignores the rest from `auth_pass` on (vipkeeper reads all 2); a keepalived peer with this file would behave differently: put each on its own line"])
    }

    @Test("VRRPv3: vrrp_version, version, fractional advert_int, IPv6 addresses, groups and sources")
    func versionThree() throws {
        let text = """
        global_defs {
            vrrp_version 3
            vrrp_mcast_group6 ff02::12
        }
        vrrp_instance V4 {
            interface eth0
            virtual_router_id 51
            advert_int 0.1
            virtual_ipaddress { 10.250.0.66/24 }
        }
        vrrp_instance V6 {
            interface eth0
            virtual_router_id 51
            advert_int 0.05
            mcast_src_ip fe80::1
            virtual_ipaddress {
                fd00:250::66/64
                fd00:250::67
            }
        }
        vrrp_instance OLD {
            version 2
            interface eth0
            virtual_router_id 52
            advert_int 2
            virtual_ipaddress { 10.250.0.67 }
        }
        """
        let result = config.load(text)
        #expect(short(result.diagnostics) == [])
        let instances = try #require(result.configuration).instances
        #expect(instances.map(\.resolvedVersion) == [.v3, .v3, .v2])
        #expect(instances.map(\.advertisementInterval.centiseconds) == [10, 5, 200])
        #expect(instances[1].family == .ipv6)
        #expect(instances[1].virtualAddresses.map(\.prefixLength) == [64, 128])
        #expect(instances[1].multicastSourceAddress == IPAddress("fe80::1"))
        // The same VRID for IPv4 and IPv6 on one interface is two virtual routers (RFC 5798 §1).
        #expect(instances[0].virtualRouterID == instances[1].virtualRouterID)
    }

    @Test("virtual_ipaddress_excluded: either family beside a VRRPv2 IPv4 instance, not advertised, checked like the others")
    func excludedAddresses() throws {
        let text = minimalInstance.replacingOccurrences(of: "interface eth0", with: "interface eth0\n    virtual_ipaddress_excluded {\n        fd00:250::66/64\n        10.250.0.67\n        10.250.0.66\n    }")
        let result = config.load(text)
        #expect(short(result.diagnostics) == ["6:9: warning: 10.250.0.66 is listed twice in vrrp_instance `VI_1`"])
        let instance = try #require(result.configuration?.instances.first)
        #expect(instance.resolvedVersion == .v2 && instance.family == .ipv4)
        #expect(instance.excludedAddresses.map(\.prefixLength) == [64, 32, 32])
        let router = try #require(result.configuration).routerConfiguration(for: instance, interfaceAddress: .v4(IPv4Address(10, 250, 0, 11)))
        #expect(router.virtualAddresses == [IPAddress("10.250.0.66")!])
        #expect(diagnostics(minimalInstance.replacingOccurrences(of: "interface eth0", with: "interface eth0\n    virtual_ipaddress_excluded { fe80::1 }"))
                == ["3:34: error: `virtual_ipaddress_excluded` fe80::1 is a link-local address; a virtual IPv6 address must be global or unique-local"])
    }

    @Test("VRRPv3 and IPv6 mistakes are precise errors", arguments: [
        // A fractional interval needs v3; v3 counts 12 bits of centiseconds.
        ("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n advert_int 0.25\n virtual_ipaddress { 10.250.0.66 }\n}",
         "4:13: error: `advert_int 0.25` is not whole seconds: VRRPv2 advertises in whole seconds; for sub-second adverts set `vrrp_version 3` in global_defs (on every node of the virtual router at once) or `version 3` in this instance"),
        ("global_defs { vrrp_version 3 }\nvrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n advert_int 41\n virtual_ipaddress { 10.250.0.66 }\n}",
         "5:13: error: `advert_int` is at most 40.95 s in VRRPv3 (a 12-bit count of centiseconds), got 41s"),
        ("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n advert_int 0.005\n virtual_ipaddress { 10.250.0.66 }\n}",
         "4:13: error: `advert_int` expects seconds such as 1 or 0.1 (at most two decimals: VRRPv3 counts centiseconds), got `0.005`"),
        ("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n advert_int 0\n virtual_ipaddress { 10.250.0.66 }\n}",
         "4:13: error: `advert_int` must be from 0.01 to 40.95 s (VRRPv3) or 1 to 255 s (VRRPv2), got `0`"),
        // No authentication in v3.
        ("vrrp_instance VI_1 {\n version 3\n interface eth0\n virtual_router_id 51\n authentication {\n auth_type PASS\n auth_pass x\n }\n virtual_ipaddress { 10.250.0.66 }\n}",
         "5:2: error: vrrp_instance `VI_1` uses `authentication`, which VRRPv3 does not have (RFC 5798 removed it), as keepalived says; remove the block or use `version 2`"),
        // One family per instance; sources and peers of that family.
        ("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n virtual_ipaddress {\n fd00:250::66\n 10.250.0.66\n }\n}",
         "6:2: error: vrrp_instance `VI_1` mixes IPv6 and IPv4 virtual addresses (10.250.0.66); an instance is one address family, as in keepalived: put the IPv4 addresses in an instance of their own"),
        ("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n unicast_peer { fd00::2 }\n virtual_ipaddress { 10.250.0.66 }\n}",
         "4:17: error: vrrp_instance `VI_1`: `unicast_peer` fd00::2 is IPv6 but the virtual addresses are IPv4"),
        ("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n mcast_src_ip fd00:250::1\n virtual_ipaddress { fd00:250::66 }\n}",
         "4:15: error: vrrp_instance `VI_1`: `mcast_src_ip` fd00:250::1 must be an IPv6 link-local address (fe80::/10): RFC 5798 §5.1.2.1 makes adverts come from one"),
        ("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n virtual_ipaddress { fd00:250::66/129 }\n}",
         "4:22: error: prefix length must be 0 to 128, got `/129`"),
        ("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n virtual_ipaddress { fd00:250::66 brd fd00::ff }\n}",
         "4:35: error: `brd` is for IPv4 addresses; IPv6 has no broadcast"),
        ("global_defs { vrrp_mcast_group6 fd00::12 }\n" + minimalInstance,
         "1:33: error: `vrrp_mcast_group6` must be an IPv6 multicast address (ff00::/8), got `fd00::12`"),
        // An IPv6 instance under vrrp_version 2 speaks v3, as keepalived does, and says so.
        ("global_defs { vrrp_version 2 }\nvrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n virtual_ipaddress { fd00:250::66 }\n}",
         "2:15: warning: vrrp_instance `VI_1` has IPv6 addresses: VRRPv2 is IPv4 only, so it speaks VRRPv3, as keepalived does; set `version 3` to say so"),
    ])
    func versionThreeMistakes(text: String, expected: String) {
        #expect(diagnostics(text) == [expected])
    }

    @Test("HTTP check keywords")
    func httpCheck() throws {
        let result = config.load("""
        vrrp_http_check health {
            url https://harbor.example.com:8443/api/v2.0/health
            method GET
            expect_status 200 204
            expect_json_field status healthy
            require_components core database redis registry
            header "Host: harbor.example.com"
            header "X-Probe: vipkeeper"
            tls_verify off
            ca_file /etc/ssl/harbor-ca.pem
            interval 5
            timeout 2
            rise 2
            fall 3
            weight -30
        }
        \(minimalInstance.replacingOccurrences(of: "interface eth0", with: "interface eth0\n    track_script { health }"))
        """)
        #expect(short(result.diagnostics) == [])
        let check = try #require(result.configuration?.httpChecks.first)
        #expect(check.url?.description == "https://harbor.example.com:8443/api/v2.0/health")
        #expect(check.expectStatus == [200, 204])
        #expect(check.expectJSONField == JSONFieldExpectation(field: "status", value: "healthy"))
        #expect(check.requireComponents == ["core", "database", "redis", "registry"])
        #expect(check.headers == [HTTPHeader(name: "Host", value: "harbor.example.com"), HTTPHeader(name: "X-Probe", value: "vipkeeper")])
        #expect(check.tlsVerify == false)
        #expect(check.schedule.interval == .seconds(5))
        #expect(check.schedule.effectiveTimeout == .seconds(2))
        #expect(check.schedule.weight == TrackerWeight(-30))
        #expect(check.schedule.fall == 3)

        let bad = diagnostics("""
        vrrp_http_check h {
            url ftp://x/
            method POST
            expect_status 200 abc
            header NoColon
        }
        """)
        #expect(bad.contains("2:9: error: `url` expects an absolute http:// or https:// URL with a host, got `ftp://x/`"))
        #expect(bad.contains("3:12: error: `method` must be GET or HEAD (a health check must not change anything), got `POST`"))
        #expect(bad.contains("4:23: error: `expect_status` expects a whole number from 100 to 599, got `abc`"))
        #expect(bad.contains("5:12: error: `header` expects \"Name: value\", got `NoColon`"))
    }

    @Test("garp settings: global defaults, instance overrides")
    func garp() throws {
        let result = config.load("""
        global_defs {
            vrrp_garp_master_delay 2
            vrrp_garp_master_refresh 60
        }
        \(minimalInstance.replacingOccurrences(of: "interface eth0", with: "interface eth0\n    garp_master_repeat 3\n    garp_master_refresh 0"))
        """)
        #expect(short(result.diagnostics) == [])
        let configuration = try #require(result.configuration)
        let instance = try #require(configuration.instances.first)
        // The lower-priority burst defaults to the global master values (keepalived), not the instance's.
        #expect(instance.gratuitousARP == GratuitousARPPolicy(delay: .seconds(2), repeatCount: 3, refresh: nil, refreshRepeatCount: 1,
                                                              lowerPriorityRepeatCount: 5, lowerPriorityDelay: .seconds(2)))
        let router = configuration.routerConfiguration(for: instance, interfaceAddress: .v4(IPv4Address(10, 250, 0, 11)))
        #expect(router.gratuitousARP.repeatCount == 3)
        #expect(router.localAddress == .v4(IPv4Address(10, 250, 0, 11)))
    }

    @Test("sync groups: members must exist and belong to one group")
    func syncGroups() {
        let result = diagnostics("""
        vrrp_sync_group A { group { VI_1 } }
        vrrp_sync_group B {
            group {
                VI_1
                VI_X
            }
        }
        vrrp_sync_group C { notify_master /bin/true }
        \(minimalInstance)
        """)
        #expect(result.contains("4:9: error: vrrp_instance `VI_1` is already in vrrp_sync_group `A`; an instance belongs to one group"))
        #expect(result.contains("5:9: error: vrrp_sync_group `B` lists `VI_X`, which is not a vrrp_instance; did you mean `VI_1`?"))
        #expect(result.contains("8:17: error: vrrp_sync_group `C` has no `group { ... }` members"))
    }

    @Test("a sync group's track_* blocks: read as an instance's, unknown names are errors, an address-owner member clears their weights as keepalived does")
    func syncGroupTrackers() throws {
        let text = """
        vrrp_script chk { script /bin/true
            weight -20 }
        track_file drain { file /run/drain }
        vrrp_sync_group G {
            group { VI_1 }
            track_script { chk
                chk_x }
            track_file { drain weight 5 reverse }
            track_interface { eth1 weight 10 }
            track_process { nginx }
            global_tracking
        }
        \(minimalInstance(with: "priority 255"))
        """
        let result = config.load(text)
        let lines = short(result.diagnostics)
        #expect(lines.contains("7:9: error: vrrp_sync_group `G` tracks `chk_x`, which is not a vrrp_script or vrrp_http_check; did you mean `chk`?"))
        #expect(lines.contains("10:21: error: vrrp_sync_group `G` tracks process `nginx`, which is not a vrrp_track_process"))
        #expect(lines.contains("11:5: warning: `global_tracking` is keepalived's deprecated name for `sync_group_tracking_weight` (track objects on the sync group instead); read as `sync_group_tracking_weight`"))
        let fixed = config.load(text.replacingOccurrences(of: "\n        chk_x", with: "").replacingOccurrences(of: "    track_process { nginx }\n", with: ""))
        let configuration = try #require(fixed.configuration, "\(short(fixed.diagnostics))")
        let warnings = short(fixed.diagnostics)
        #expect(warnings.contains("6:20: warning: vrrp_sync_group `G`: member `VI_1` is the address owner (priority 255), so track_script `chk` cannot be weighted; its weight is 0 (FAULT while down), as keepalived does"))
        #expect(warnings.contains { $0.hasPrefix("7:18: warning: vrrp_sync_group `G`: member `VI_1` is the address owner (priority 255), so track_file `drain`") })
        #expect(warnings.contains { $0.hasPrefix("8:23: warning: vrrp_sync_group `G`: member `VI_1` is the address owner (priority 255), so track_interface `eth1`") })
        let group = try #require(configuration.syncGroups.first)
        #expect(group.trackingWeight)
        #expect(group.trackedChecks.map(\.weightOverride) == [TrackerWeight(0)])
        #expect(group.trackedFiles.map(\.weightOverride) == [TrackerWeight(0, reverse: true)])
        #expect(group.trackedInterfaces.map(\.weight) == [TrackerWeight(0)])
        let trackers = configuration.trackerSet(for: try #require(configuration.instances.first))
        #expect(trackers.entries.filter(\.isSyncGroupShared).map(\.object) == [.check("chk"), .file("drain"), .interface("eth1")])
    }
}

@Suite("enable_script_security")
struct ScriptSecurityTests {
    /// An executable script in a directory everyone may write to (a scratch directory).
    func unsafeScript() -> (TemporaryConfig, String) {
        let config = TemporaryConfig()
        let script = config.write("check.sh", "#!/bin/sh\nexit 0\n")
        chmod(script, 0o755)
        chmod(config.directory, 0o777)
        return (config, script)
    }

    @Test("a script writable by others, or in such a directory, is refused at check time")
    func refusesUnsafeScripts() throws {
        let config = TemporaryConfig()
        let script = config.write("check.sh", "#!/bin/sh\nexit 0\n")
        chmod(script, 0o755)
        chmod(config.directory, 0o777)
        let result = config.load("""
        global_defs { enable_script_security }
        vrrp_script unsafe { script "\(script)" }
        vrrp_script safe { script "/bin/true" }
        \(minimalInstance.replacingOccurrences(of: "interface eth0", with: "interface eth0\n    track_script {\n        unsafe\n        safe\n    }"))
        """, name: "c.conf")
        let errors = result.diagnostics.filter { $0.severity == .error }
        #expect(errors.count == 1)
        #expect(errors.first?.message.contains("vrrp_script `unsafe`: refusing `\(script)` under enable_script_security") == true)
        #expect(errors.first?.message.contains("writable by everyone") == true || errors.first?.message.contains("not root") == true)
        #expect(result.configuration == nil)
    }

    @Test("a command that needs a shell is checked for the script it runs, not only /bin/sh; sync-group notify scripts too")
    func shellCommandsAndGroups() throws {
        let config = TemporaryConfig()
        let script = config.write("check.sh", "#!/bin/sh\nexit 0\n")
        let notify = config.write("notify.sh", "#!/bin/sh\nexit 0\n")
        chmod(script, 0o755)
        chmod(notify, 0o755)
        chmod(config.directory, 0o777)
        let result = config.load("""
        global_defs { enable_script_security }
        vrrp_script piped { script "\(script) --quiet > /dev/null" }
        vrrp_script interpreted { script "bash \(script)" }
        vrrp_sync_group VG_1 {
            group {
                VI_1
            }
            notify_master "\(notify) master"
        }
        \(minimalInstance.replacingOccurrences(of: "interface eth0", with: "interface eth0\n    track_script {\n        piped\n        interpreted\n    }"))
        """, name: "c.conf")
        let errors = result.diagnostics.filter { $0.severity == .error }.map(\.message)
        #expect(errors.count == 3, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("vrrp_script `piped`: refusing") })
        #expect(errors.contains { $0.hasPrefix("vrrp_script `interpreted`: refusing") })
        #expect(errors.contains { $0.hasPrefix("vrrp_sync_group `VG_1` notify: refusing") })
        #expect(ScriptSecurity.programs(of: ScriptCommand("curl -sf http://127.0.0.1/ | grep -q Pong")) == ["/bin/sh", "curl", "grep"])
    }

    @Test("every program of a shell command line is checked: after &&, ||, ;, |, &, in a subshell, sourced; builtins, assignments and redirections are not programs")
    func everyProgramOfACommandLine() {
        let programs = { (text: String) in ScriptSecurity.programs(of: ScriptCommand(text)) }
        #expect(programs("true && /opt/app/check.sh") == ["/bin/sh", "/opt/app/check.sh"])
        #expect(programs("/a/one || /a/two; /a/three | /a/four & /a/five") == ["/bin/sh", "/a/one", "/a/two", "/a/three", "/a/four", "/a/five"])
        #expect(programs("LANG=C /a/b --x >/dev/null 2>&1 && . /etc/x.sh || exit 1") == ["/bin/sh", "/a/b", "/etc/x.sh"])
        #expect(programs("(cd /tmp && exec /a/c) > /dev/null") == ["/bin/sh", "/a/c"])
        #expect(programs("! bash /a/d.sh 'a && b' \"c | d\"") == ["/bin/sh", "bash", "/a/d.sh"])
        #expect(programs("/a/e arg") == ["/a/e"])
    }

    @Test("a script after && in an unsafe directory is refused (only the first program was checked)")
    func compoundCommandRefused() {
        let (config, script) = unsafeScript()
        let result = config.load("""
        global_defs { enable_script_security }
        vrrp_script chained { script "true && \(script)" }
        \(minimalInstance.replacingOccurrences(of: "interface eth0", with: "interface eth0\n    track_script {\n        chained\n    }"))
        """, name: "c.conf")
        let errors = result.diagnostics.filter { $0.severity == .error }.map(\.message)
        #expect(errors.count == 1, "\(errors)")
        #expect(errors.first?.contains("vrrp_script `chained`: refusing `true && \(script)`") == true, "\(errors)")
        #expect(errors.first?.contains("\(config.directory) is writable by everyone") == true, "\(errors)")
    }

    @Test("a symbolic link in a safe directory to a script in an unsafe one is refused: the target's directories are checked",
          .enabled(if: getuid() == 0, "needs root for a root-owned safe directory"))
    func symbolicLinkResolved() throws {
        let (config, script) = unsafeScript()
        // A safe directory (root, 0755, every parent root's and not writable by others).
        let safe = "/run/vkss\(getpid())"
        try #require(mkdir(safe, 0o755) == 0 || errno == EEXIST, "cannot create \(safe)")
        chmod(safe, 0o755)
        defer { unlink(safe + "/check"); rmdir(safe) }
        try #require(symlink(script, safe + "/check") == 0, "cannot link \(safe)/check")
        #expect(ScriptSecurity.problem(with: "/bin/true") == nil, "the safe reference is not safe here")
        let problem = try #require(ScriptSecurity.problem(with: safe + "/check"), "a link into a world-writable directory passed")
        #expect(problem.contains("resolves to \(script)") && problem.contains("writable by everyone"), "\(problem)")
    }

    @Test("without enable_script_security nothing is checked")
    func offByDefault() {
        let config = TemporaryConfig()
        let script = config.write("check.sh", "#!/bin/sh\nexit 0\n")
        chmod(config.directory, 0o777)
        let result = config.load("vrrp_script s { script \"\(script)\" }\n" + minimalInstance.replacingOccurrences(of: "interface eth0", with: "interface eth0\n    track_script {\n        s\n    }"), name: "c.conf")
        #expect(result.diagnostics == [])
    }
}
