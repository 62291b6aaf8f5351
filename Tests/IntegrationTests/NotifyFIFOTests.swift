import Foundation
import Testing

extension NamespaceSuites {
    @Suite("keepalived's notify FIFO and per-script notify users, with the real daemon", .serialized)
    struct NotifyFIFOTests {
        @Test("the notify_fifo_script reads exactly keepalived's lines on a takeover, a track_script priority change and a stop; a notify script given `nobody nogroup` runs as that uid/gid")
        func fifoAndUsers() throws {
            guard let lab = openLab(tag: "fifo", subnet: 86, nodes: 1) else { return }
            defer { lab.tearDown() }
            let out = lab.write("fifo.out", "")
            let ids = lab.write("ids.out", "")
            chmod(out, 0o666)
            chmod(ids, 0o666)
            chmod(lab.directory, 0o755)
            let flag = lab.directory + "/fail"
            let reader = lab.write("reader.sh", "#!/bin/sh\nwhile read -r line; do echo \"$line\" >> \(out); done < \"$1\"\n")
            let idScript = lab.write("ids.sh", "#!/bin/sh\necho \"$(id -u) $(id -g)\" >> \(ids)\n")
            let check = lab.write("check.sh", "#!/bin/sh\n[ ! -e \(flag) ]\n")
            for script in [reader, idScript, check] { chmod(script, 0o755) }
            let fifo = lab.directory + "/notify.fifo"
            let globals = "global_defs {\n    notify_fifo \(fifo)\n    notify_fifo_script \(reader)\n}\n"
            let checks = "vrrp_script chk {\n    script \(check)\n    interval 1\n    weight -10\n}\n"
            let extra = "    track_script {\n        chk\n    }\n    notify_priority_changes\n    notify_master \(idScript) nobody nogroup\n"
            let pid = lab.startVipkeeper(node: 0, config: globals + lab.config(priority: 100, extra: extra, checks: checks))
            func lines() -> [String] {
                ((try? String(contentsOfFile: out, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            }
            let master = waitUntil(timeout: masterDown(100) + 5) { lines().count >= 2 }
            #expect(master != nil, "no takeover lines: \(lines()) \(lab.log("node0.log"))")
            _ = FileManager.default.createFile(atPath: flag, contents: nil)
            _ = waitUntil(timeout: 5) { lines().count >= 3 }
            try? FileManager.default.removeItem(atPath: flag)
            _ = waitUntil(timeout: 5) { lines().count >= 4 }
            #expect(lab.stop(pid))
            _ = waitUntil(timeout: 5) { lines().count >= 5 }
            #expect(lines() == ["INSTANCE \"VI_1\" BACKUP 100", "INSTANCE \"VI_1\" MASTER 100", "INSTANCE \"VI_1\" MASTER_PRIORITY 90",
                                "INSTANCE \"VI_1\" MASTER_PRIORITY 100", "INSTANCE \"VI_1\" STOP 100"], "\(lab.log("node0.log"))")
            #expect(!FileManager.default.fileExists(atPath: fifo), "the FIFO the daemon made is removed at exit")
            let nobody = try #require(getpwnam("nobody")).pointee.pw_uid
            let nogroup = try #require(getgrnam("nogroup")).pointee.gr_gid
            #expect((try? String(contentsOfFile: ids, encoding: .utf8)) == "\(nobody) \(nogroup)\n")
        }
    }
}
