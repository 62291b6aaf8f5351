import Testing
import VRRP
@testable import Config

/// keepalived 2.2.7's notify lines (`notify_script_init`, `set_script_uid_gid` in lib/notify.c)
/// and notify FIFOs (global_parser.c `notify_fifo`), checked against the real keepalived.
@Suite("notify lines: per-script user and group; the notify FIFO")
struct NotifyKeywordTests {
    let config = TemporaryConfig()

    func load(_ text: String) throws -> (Configuration, [String]) {
        let result = config.load(text)
        return (try #require(result.configuration, "\(short(result.diagnostics))"), short(result.diagnostics))
    }

    @Test("COMMAND [USER [GROUP]]: the first word or quoted string is the command; the words after it are user and group")
    func userAndGroup() throws {
        let (configuration, diagnostics) = try load(minimalInstance(with: """
            notify_master /usr/local/bin/x.sh root root
                notify_fault "/usr/local/bin/fault.sh VG_1" nobody nogroup
                notify_backup "/usr/local/bin/backup.sh"
                notify "/usr/local/bin/any.sh" nobody
            """))
        #expect(diagnostics == [])
        let notify = try #require(configuration.instances.first).notify
        #expect(notify.master?.command.arguments == ["/usr/local/bin/x.sh"])
        #expect(notify.master?.user == ScriptUser(name: "root", group: "root"))
        #expect(notify.fault?.command.arguments == ["/usr/local/bin/fault.sh", "VG_1"])
        #expect(notify.fault?.user == ScriptUser(name: "nobody", group: "nogroup"))
        #expect(notify.backup?.user == nil)
        #expect(notify.generic?.user == ScriptUser(name: "nobody"))
    }

    @Test("notify_master /x.sh master: `master` is no user, so keepalived ignores the line (it logs 'Invalid user/group ... - ignoring'); so does vipkeeper, saying to quote")
    func wordsThatAreNoUser() throws {
        let (configuration, diagnostics) = try load(minimalInstance(with: "notify_master /etc/keepalived/notify.sh master"))
        #expect(try #require(configuration.instances.first).notify.master == nil)
        #expect(diagnostics == [
            "3:45: warning: `master` is not a user on this machine, so keepalived ignores this `notify_master` (the words after the command are the user and group it runs as), and so does vipkeeper: `/etc/keepalived/notify.sh` will not run; if they are arguments, quote the command line: notify_master \"/etc/keepalived/notify.sh master\"",
        ])
        let (quoted, quotedDiagnostics) = try load(minimalInstance(with: "notify_master \"/etc/keepalived/notify.sh master\""))
        #expect(try #require(quoted.instances.first).notify.master?.command.arguments == ["/etc/keepalived/notify.sh", "master"])
        #expect(quotedDiagnostics == [])
        let (group, groupDiagnostics) = try load("vrrp_sync_group G1 {\n    group {\n        VI_1\n    }\n    notify_backup \"/x.sh b\" root no-such-group-here\n}\n" + minimalInstance)
        #expect(group.syncGroups.first?.notify.backup == nil)
        #expect(groupDiagnostics.first?.hasPrefix("5:29: warning: `no-such-group-here` is not a group on this machine, so keepalived ignores this `notify_backup`") == true)
        #expect(groupDiagnostics.first?.contains("quote") == false, "a quoted command needs no quoting hint")
    }

    @Test("user:group is one word to keepalived 2.2.7 (no such user): ignored, with the two-word spelling; words after the group are ignored")
    func colonAndExtraWords() throws {
        let (configuration, diagnostics) = try load(minimalInstance(with: "notify_fault /x.sh root:root\n    notify_stop /x.sh nobody nogroup extra"))
        let notify = try #require(configuration.instances.first).notify
        #expect(notify.fault == nil)
        #expect(notify.stop?.user == ScriptUser(name: "nobody", group: "nogroup"))
        #expect(diagnostics.count == 2)
        #expect(diagnostics[0].hasSuffix("a user and a group are two words: `root root`"), "\(diagnostics)")
        #expect(diagnostics[1] == "4:38: warning: keepalived ignores `extra` after the user and group of `notify_stop`, and so does vipkeeper")
    }

    @Test("vrrp_script `script /x.sh a b`: keepalived runs /x.sh alone; so does vipkeeper, warning how to quote")
    func scriptFirstWordOnly() throws {
        let text = "vrrp_script chk {\n    script /usr/local/bin/check.sh a b\n    user nobody nogroup extra\n}\n"
            + minimalInstance(with: "track_script {\n        chk\n    }")
        let (configuration, diagnostics) = try load(text)
        let script = try #require(configuration.scripts.first)
        #expect(script.command?.arguments == ["/usr/local/bin/check.sh"])
        #expect((script.user, script.group) == ("nobody", "nogroup"))
        #expect(diagnostics == [
            "2:36: warning: keepalived runs only `/usr/local/bin/check.sh` and ignores `a b` (it reads one word or one quoted string), and so does vipkeeper; to run `/usr/local/bin/check.sh a b`, quote the command: script \"/usr/local/bin/check.sh a b\"",
            "3:25: warning: keepalived ignores `extra` after the user and group of `user`, and so does vipkeeper",
        ])
    }

    @Test("notify_fifo / vrrp_notify_fifo with user and script; notify_priority_changes from instance, sync group or global")
    func fifoKeywords() throws {
        let text = """
            global_defs {
                notify_fifo /run/keepalived.fifo nobody nogroup
                notify_fifo_script "/usr/local/bin/read-fifo.sh -v" root
                vrrp_notify_fifo /run/vrrp.fifo
                vrrp_notify_priority_changes
            }
            vrrp_sync_group G1 {
                group {
                    VI_1
                }
                notify_priority_changes false
            }

            """ + minimalInstance(with: "notify_priority_changes")
        let (configuration, diagnostics) = try load(text)
        #expect(diagnostics == [])
        let globals = configuration.globals
        #expect(globals.notifyFIFO.path == "/run/keepalived.fifo")
        #expect(globals.notifyFIFO.user == ScriptUser(name: "nobody", group: "nogroup"))
        #expect(globals.notifyFIFO.script?.command.arguments == ["/usr/local/bin/read-fifo.sh", "-v"])
        #expect(globals.notifyFIFO.script?.user == ScriptUser(name: "root"))
        #expect(globals.vrrpNotifyFIFO.path == "/run/vrrp.fifo")
        #expect(globals.notifyPriorityChanges)
        #expect(configuration.syncGroups.first?.notifyPriorityChanges == false)
        #expect(configuration.instances.first?.notifyPriorityChanges == true)
    }

    @Test("notify FIFO errors and warnings where keepalived has them: given twice, the same path twice, a script without a FIFO, an unknown owner")
    func fifoDiagnostics() throws {
        let twice = short(config.load("global_defs {\n    notify_fifo /run/a.fifo\n    notify_fifo /run/b.fifo\n}\n" + minimalInstance).diagnostics)
        #expect(twice == ["3:17: error: `notify_fifo` is given twice; keepalived reports it and keeps the first, `/run/a.fifo`"])
        let (same, sameDiagnostics) = try load("global_defs {\n    notify_fifo /run/a.fifo\n    vrrp_notify_fifo /run/a.fifo\n}\n" + minimalInstance)
        #expect(same.globals.vrrpNotifyFIFO.path == nil)
        #expect(sameDiagnostics.first?.hasPrefix("3:22: warning: `vrrp_notify_fifo` /run/a.fifo is also the `notify_fifo`") == true, "\(sameDiagnostics)")
        let (alone, aloneDiagnostics) = try load("global_defs {\n    vrrp_notify_fifo_script /usr/local/bin/r.sh\n}\n" + minimalInstance)
        #expect(alone.globals.vrrpNotifyFIFO.script == nil)
        #expect(aloneDiagnostics.first?.contains("without a `vrrp_notify_fifo`: keepalived never runs it") == true, "\(aloneDiagnostics)")
        let (owner, ownerDiagnostics) = try load("global_defs {\n    notify_fifo /run/a.fifo no-such-user-here\n}\n" + minimalInstance)
        #expect(owner.globals.notifyFIFO.path == nil)
        #expect(ownerDiagnostics == ["2:29: warning: `no-such-user-here` is not a user on this machine, so keepalived ignores this `notify_fifo` (no FIFO is made or written), and so does vipkeeper"])
    }

    @Test("vipkeeper check no longer lists the notify FIFO keywords as ignored")
    func notIgnored() {
        let result = config.load("global_defs {\n    notify_fifo /run/a.fifo\n    notify_fifo_script /x.sh\n    vrrp_notify_fifo /run/b.fifo\n    vrrp_notify_fifo_script /y.sh\n    vrrp_notify_priority_changes true\n}\n"
            + minimalInstance(with: "notify_priority_changes"))
        #expect(result.ignoredKeywords.isEmpty, "\(result.ignoredKeywords)")
        #expect(result.errors == 0, "\(short(result.diagnostics))")
    }
}
