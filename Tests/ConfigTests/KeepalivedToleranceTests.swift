import Testing
import VRRP
@testable import Config

@Suite("real keepalived.conf files: values keepalived tolerates (vrrp_parser.c, global_parser.c)")
struct KeepalivedToleranceTests {
    @Test("keywords keepalived reads without arguments take effect whatever follows; a contradicting argument is warned about")
    func keywordsWithoutArguments() throws {
        let quiet = ConfigurationLoader.load(text: """
        global_defs {
            enable_script_security 1
        }
        vrrp_script chk { script /bin/true\n init_fail yes }
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            nopreempt true
            track_script { chk }
            virtual_ipaddress { 10.250.0.66 }
        }
        """, path: "f")
        #expect(quiet.diagnostics.isEmpty)
        let configuration = try #require(quiet.configuration)
        #expect(configuration.globals.enableScriptSecurity)
        #expect(configuration.scripts.first?.schedule.initFail == true)
        #expect(configuration.instances.first?.preempt == false)

        let contradicting = ConfigurationLoader.load(text: """
        global_defs {
            vrrp_strict off
        }
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            nopreempt no
            virtual_ipaddress { 10.250.0.66 }
        }
        """, path: "f")
        #expect(short(contradicting.diagnostics) == [
            "2:17: warning: keepalived ignores what follows `vrrp_strict` (`off`) and applies `vrrp_strict` all the same, and so does vipkeeper; `vrrp_strict off` does not turn it off: remove the line for that",
            "7:15: warning: keepalived ignores what follows `nopreempt` (`no`) and applies `nopreempt` all the same, and so does vipkeeper; `nopreempt no` does not turn it off: remove the line for that",
        ])
        #expect(contradicting.configuration?.globals.strict == true)
        #expect(contradicting.configuration?.instances.first?.preempt == false)
    }

    @Test("unicast_src_ip, mcast_src_ip and unicast_peer written with a prefix: the address alone, as keepalived's inet_stosockaddr reads it")
    func addressesWithPrefix() throws {
        let result = ConfigurationLoader.load(text: """
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            unicast_src_ip 192.168.1.24/24
            unicast_peer {
                192.168.1.25/24
                192.168.1.26
            }
            virtual_ipaddress { 192.168.1.100/24 }
        }
        vrrp_instance VI_2 {
            interface eth0
            virtual_router_id 52
            mcast_src_ip 192.168.1.24/24
            virtual_ipaddress { 192.168.1.101 }
        }
        """, path: "f")
        #expect(short(result.diagnostics) == [
            "4:20: warning: `unicast_src_ip` 192.168.1.24: `/24` is ignored (keepalived reads the address alone, and so does vipkeeper)",
            "6:9: warning: `unicast_peer` 192.168.1.25: `/24` is ignored (keepalived reads the address alone, and so does vipkeeper)",
            "14:18: warning: `mcast_src_ip` 192.168.1.24: `/24` is ignored (keepalived reads the address alone, and so does vipkeeper)",
        ])
        let instances = try #require(result.configuration?.instances)
        #expect(instances[0].unicastSourceAddress?.description == "192.168.1.24")
        #expect(instances[0].unicastPeers.map(\.description) == ["192.168.1.25", "192.168.1.26"])
        #expect(instances[1].multicastSourceAddress?.description == "192.168.1.24")
        let wrong = ConfigurationLoader.load(text: "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n unicast_src_ip 192.168.1/24\n virtual_ipaddress { 10.250.0.66 }\n}\n", path: "f")
        #expect(short(wrong.diagnostics) == ["4:17: error: `unicast_src_ip` expects an IPv4 or IPv6 address, got `192.168.1/24`"])
    }

    @Test("no virtual_ipaddress: a VRRPv2 instance runs with a warning, as keepalived runs it; VRRPv3, IPv6 and vrrp_strict need one")
    func noVirtualAddress() throws {
        let cloud = ConfigurationLoader.load(text: """
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            unicast_src_ip 10.0.0.11
            unicast_peer { 10.0.0.12 }
            notify_master "/usr/local/bin/move-elastic-ip.sh"
        }
        vrrp_instance VI_2 {
            interface eth0
            virtual_router_id 52
            virtual_ipaddress {
            }
        }
        """, path: "f")
        #expect(short(cloud.diagnostics) == [
            "1:15: warning: vrrp_instance `VI_1` has no virtual address: it is elected and runs its notify scripts without holding an address (as keepalived runs it, \"at least one is sensible\"); `virtual_ipaddress_excluded` addresses are held but not advertised",
            "11:5: warning: vrrp_instance `VI_2` has no virtual address: it is elected and runs its notify scripts without holding an address (as keepalived runs it, \"at least one is sensible\"); `virtual_ipaddress_excluded` addresses are held but not advertised",
        ])
        let instances = try #require(cloud.configuration?.instances)
        #expect(instances.map(\.virtualAddresses.count) == [0, 0])
        #expect(instances.map(\.resolvedVersion) == [.v2, .v2])
        #expect(instances[0].notify.master?.command.text == "/usr/local/bin/move-elastic-ip.sh")

        let bare = "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n%@\n}\n"
        let refusals = [
            (bare.replacingOccurrences(of: "%@", with: " version 3"), "VRRPv3"),
            (bare.replacingOccurrences(of: "%@", with: " unicast_src_ip fd00::11\n unicast_peer { fd00::12 }"), "IPv6 (VRRPv3)"),
            ("global_defs {\n vrrp_strict\n}\n" + bare.replacingOccurrences(of: "%@", with: ""), "`vrrp_strict`"),
        ]
        for (text, requiredBy) in refusals {
            let result = ConfigurationLoader.load(text: text, path: "f")
            #expect(result.configuration == nil)
            #expect(result.diagnostics.map(\.message).contains("vrrp_instance `VI_1` has no virtual address: \(requiredBy) needs at least one (RFC 5798 §5.2.5), as keepalived requires; list one in `virtual_ipaddress`"),
                    "\(result.diagnostics)")
        }
    }

    @Test("`state` other than MASTER or BACKUP (in capitals) starts as BACKUP with a warning, as keepalived does")
    func unknownState() throws {
        for (word, hint) in [("SLAVE", ""), ("PEER", ""), ("master", ": write `state MASTER` if that is meant")] {
            let result = ConfigurationLoader.load(text: "vrrp_instance VI_1 {\n state \(word)\n interface eth0\n virtual_router_id 51\n virtual_ipaddress { 10.250.0.66 }\n}\n", path: "f")
            #expect(short(result.diagnostics) == ["2:8: warning: `state` is MASTER or BACKUP, in capitals; keepalived starts an instance with `state \(word)` as BACKUP, and so does vipkeeper\(hint)"])
            let instance = try #require(result.configuration?.instances.first)
            #expect(instance.initialState == .backup)
            #expect(instance.priority == 100, "only `state MASTER` makes a missing priority 255")
        }
    }

    @Test("keepalived keywords outside its man page (lvs_sync_daemon_interface, debug) are ignored with a warning, not unknown")
    func keywordTables() {
        let result = ConfigurationLoader.load(text: "vrrp_instance VI_1 {\n interface eth0\n lvs_sync_daemon_interface eth1\n debug 2\n virtual_router_id 51\n virtual_ipaddress { 10.250.0.66 }\n}\n", path: "f")
        #expect(short(result.diagnostics) == [
            "3:2: warning: `lvs_sync_daemon_interface` and the rest of the LVS configuration are served by keepalived's checker (`keepalived --check`, with `--vrrp` left to vipkeeper), not by vipkeeper; ignored",
            "4:2: warning: `debug` in vrrp_instance is a keepalived feature vipkeeper does not support; ignored",
        ])
        #expect(result.configuration != nil)
    }

    @Test("a one-value keyword reads its first word and drops the rest, warned (advert_int 1 1 from a template, state BACKUP or MASTER)")
    func extraWordsAfterOneValue() throws {
        let result = ConfigurationLoader.load(text: """
        vrrp_instance VI_1 {
            state BACKUP or MASTER
            interface eth0
            virtual_router_id 51
            advert_int 1  1
            virtual_ipaddress { 10.250.0.66 }
        }
        """, path: "f")
        #expect(short(result.diagnostics) == [
            "2:18: warning: `state` takes one value: `BACKUP` is read and `or MASTER` is ignored, as keepalived ignores it",
            "5:19: warning: `advert_int` takes one value: `1` is read and `1` is ignored, as keepalived ignores it",
        ])
        let instance = try #require(result.configuration?.instances.first)
        #expect(instance.initialState == .backup && instance.advertisementInterval == .oneSecond)
        let strict = ConfigurationLoader.load(text: "vrrp_http_check h {\n    url http://127.0.0.1/ x\n}\n" + minimalInstance, path: "f")
        #expect(short(strict.diagnostics).contains("2:27: error: `url` expects an http:// or https:// URL"), "vipkeeper's own keywords stay strict: \(short(strict.diagnostics))")
    }

    @Test("a vrrp_script defined twice: the first definition runs, the second is warned about and ignored (keepalived: not used)")
    func scriptDefinedTwice() throws {
        let result = ConfigurationLoader.load(text: """
        vrrp_script chk { script /bin/true }
        vrrp_script chk { script /bin/false }
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            track_script { chk }
            virtual_ipaddress { 10.250.0.66 }
        }
        """, path: "f")
        #expect(short(result.diagnostics) == ["2:13: warning: vrrp_script `chk` is already defined at f:1:13; this second definition is ignored, as keepalived ignores it"])
        #expect(result.configuration?.scripts.map(\.command?.text) == ["/bin/true"])
    }

    @Test("a single-quoted command is one word, as keepalived's quoted reading takes it: script 'killall -0 haproxy'")
    func singleQuotedCommand() throws {
        let result = ConfigurationLoader.load(text: """
        vrrp_script chk {
            script 'killall -0 haproxy'
        }
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            track_script { chk }
            virtual_ipaddress { 10.250.0.66 }
            notify_master '/bin/echo master' root
        }
        """, path: "f")
        #expect(short(result.diagnostics) == [])
        let configuration = try #require(result.configuration)
        #expect(configuration.scripts.first?.command?.arguments == ["killall", "-0", "haproxy"])
        #expect(configuration.instances.first?.notify.master?.command.arguments == ["/bin/echo", "master"])
        #expect(configuration.instances.first?.notify.master?.user?.name == "root")
    }
}
