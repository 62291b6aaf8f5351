import Foundation
import Testing

extension NamespaceSuites {
    @Suite("scripts with no user run as keepalived_script when it exists", .serialized)
    struct DefaultScriptUserTests {
        @Test("no script_user: a check runs as keepalived_script (not root), and the start-up log says so")
        func keepalivedScriptUser() throws {
            guard let lab = openLab(tag: "ks", subnet: 126, nodes: 1) else { return }
            defer { lab.tearDown() }
            // The user exists only for the daemon: its own mount namespace sees a copy of
            // /etc/passwd and /etc/group with keepalived_script added, so the host gets no user.
            let passwd = try String(contentsOfFile: "/etc/passwd", encoding: .utf8)
            let group = try String(contentsOfFile: "/etc/group", encoding: .utf8)
            let added = getpwnam("keepalived_script") == nil
            _ = lab.write("passwd", passwd + (added ? "keepalived_script:x:64990:64990::/nonexistent:/usr/sbin/nologin\n" : ""))
            _ = lab.write("group", group + (added ? "keepalived_script:x:64990:\n" : ""))
            let launcher = ["unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
                            "mount --bind \(lab.directory)/passwd /etc/passwd && mount --bind \(lab.directory)/group /etc/group && exec \"$@\"", "sh"]
            // Passes only as root: run as keepalived_script it fails, and the priority drops by 150.
            let checks = "vrrp_script as_root {\n    script \"sh -c 'test $(id -u) -eq 0'\"\n    interval 1\n    weight -150\n}\n"
            lab.startVipkeeper(node: 0, config: lab.config(priority: 200, extra: "    track_script {\n        as_root\n    }\n", checks: checks),
                               launcher: launcher)
            let dropped = waitUntil(timeout: masterDown(200) + 5) { lab.status(0)?["priority"] as? Int == 50 }
            #expect(dropped != nil, "the check ran as root: \(lab.log("node0.log"))")
            #expect(lab.log("node0.log").contains("no script_user: scripts run as keepalived_script (uid "), "\(lab.log("node0.log"))")
        }
    }
}
