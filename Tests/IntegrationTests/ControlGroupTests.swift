import Foundation
import Testing

extension NamespaceSuites {
    @Suite("control_group: the control socket given to a group, and what happens when it cannot be", .serialized)
    struct ControlGroupTests {
        /// The group the tests give the socket to: `users` (gid 100) exists on every Debian, so
        /// no group is created on the host.
        static let group = "users"

        func config(_ lab: NetworkLab) -> String {
            lab.config(priority: 200, checks: "global_defs {\n    control_group \(Self.group)\n}\n")
        }

        /// The socket's group id and permission bits; nil when it is missing.
        func owner(_ path: String) -> (group: UInt32, mode: UInt32)? {
            var info = stat()
            guard lstat(path, &info) == 0 else { return nil }
            return (info.st_gid, UInt32(info.st_mode) & 0o777)
        }

        func groupID() throws -> UInt32 {
            try #require(getgrnam(Self.group), "no group \(Self.group) on this machine").pointee.gr_gid
        }

        @Test("with control_group the socket is root:GROUP 0660; a member (not root) can query status, a stranger cannot connect")
        func memberQueriesStatus() throws {
            guard let lab = openLab(tag: "cg", subnet: 124, nodes: 1) else { return }
            defer { lab.tearDown() }
            let gid = try groupID()
            chmod(lab.directory, 0o755)  // the lab's directory stands in for /run/vipkeeper (0755)
            lab.startVipkeeper(node: 0, config: config(lab))
            #expect(waitUntil(timeout: masterDown(200) + 2) { lab.holders() == [0] } != nil, "\(lab.log("node0.log"))")
            let socket = try #require(owner(lab.socket(0)), "no control socket: \(lab.log("node0.log"))")
            #expect(socket.group == gid && socket.mode == 0o660, "socket gid \(socket.group) mode \(String(socket.mode, radix: 8))")
            let member = "setpriv --reuid=65534 --regid=65534 --groups=\(gid)"
            let status = Shell.run("ip netns exec \(lab.nodes[0]) \(member) \(NetworkLab.vipkeeper) status --socket \(lab.socket(0))")
            #expect(status.status == 0, "\(status.output)")
            #expect(status.output.contains("VI_1"), "\(status.output)")
            let stranger = "setpriv --reuid=65534 --regid=65534 --clear-groups"
            let denied = Shell.run("ip netns exec \(lab.nodes[0]) \(stranger) \(NetworkLab.vipkeeper) status --socket \(lab.socket(0))")
            #expect(denied.status == 3 && denied.output.contains("Permission denied"), "\(denied.output)")
        }

        @Test("a member of more than 256 groups, control_group last among them, may change things (SO_PEERGROUPS past 256 entries)")
        func memberOfManyGroups() throws {
            guard let lab = openLab(tag: "pg", subnet: 127, nodes: 1) else { return }
            defer { lab.tearDown() }
            let gid = try groupID()
            chmod(lab.directory, 0o755)
            lab.startVipkeeper(node: 0, config: config(lab))
            #expect(waitUntil(timeout: masterDown(200) + 2) { lab.holders() == [0] } != nil, "\(lab.log("node0.log"))")
            // As root: take the groups, then become uid 65534, then send a request that needs
            // authorisation (maintenance off for an instance that does not exist: once let in,
            // the answer names the missing instance).
            let client = lab.write("client.py", """
            import os, socket, sys
            os.setgroups([int(g) for g in sys.argv[2].split(",") if g])
            os.setgid(65534)
            os.setuid(65534)
            s = socket.socket(socket.AF_UNIX)
            s.connect(sys.argv[1])
            s.sendall(b'{"version":1,"command":"maintenance-off","instance":"nosuch"}\\n')
            print(s.recv(65536).decode())
            """)
            let many = (70_000..<70_300).map(String.init)
            let ask = { (groups: [String]) in
                Shell.run("ip netns exec \(lab.nodes[0]) python3 \(client) \(lab.socket(0)) \(groups.joined(separator: ","))")
            }
            let member = ask(many + ["\(gid)"])
            #expect(member.status == 0, "\(member.output)")
            #expect(member.output.contains("nosuch") && !member.output.contains("not allowed"), "\(member.output)")
            // The same caller without the group (the socket opened to all by hand, so it can
            // connect) is refused: the test tells the two apart.
            chmod(lab.socket(0), 0o666)
            let stranger = ask(many)
            #expect(stranger.output.contains("not allowed"), "\(stranger.output)")
        }

        @Test("without CAP_CHOWN (a unit that drops it) the daemon still runs and holds its VIP: an error names CAP_CHOWN and the socket stays root 0600")
        func withoutChownCapability() throws {
            guard let lab = openLab(tag: "cn", subnet: 125, nodes: 1) else { return }
            defer { lab.tearDown() }
            let pid = lab.startVipkeeper(node: 0, config: config(lab), launcher: ["setpriv", "--inh-caps=-chown", "--bounding-set=-chown", "--"])
            let held = waitUntil(timeout: masterDown(200) + 2) { lab.holders() == [0] }
            #expect(held != nil, "\(lab.log("node0.log"))")
            #expect(kill(pid, 0) == 0, "the daemon exited: \(lab.log("node0.log"))")
            #expect(lab.log("node0.log").contains("CAP_CHOWN"), "\(lab.log("node0.log"))")
            let socket = try #require(owner(lab.socket(0)), "no control socket: \(lab.log("node0.log"))")
            #expect(socket.group == 0 && socket.mode == 0o600, "socket gid \(socket.group) mode \(String(socket.mode, radix: 8))")
            #expect(lab.status(0)?["state"] as? String == "MASTER")
        }
    }
}
