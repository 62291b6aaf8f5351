import Foundation
import Testing

/// A segment of throwaway network namespaces: a switch namespace with a bridge, node
/// namespaces (each with `eth0` on the bridge at 10.250.SUBNET.(10+i)/24 and
/// fd00:250:SUBNET::(10+i)/64, plus its link-local address) and a client namespace (.200).
/// Duplicate address detection is off in the namespaces, so link-local sources are usable
/// the moment a link is up. Everything it starts is killed by pid and every namespace
/// deleted in `tearDown()`.
final class NetworkLab {
    let prefix: String
    let subnet: Int
    let nodes: [String]
    let client: String
    let directory: String
    private var processes: [Int32] = []

    static let vipkeeper: String = {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("vipkeeper").path
    }()

    /// - Parameters:
    ///   - tag: a few letters naming the test; namespaces are `vk<tag><pid><n>`.
    ///   - subnet: the third octet of this lab's 10.250.x.0/24.
    init(tag: String, subnet: Int, nodeCount: Int) {
        let prefix = "vk\(tag)\(getpid() % 100000)"
        self.prefix = prefix
        self.subnet = subnet
        nodes = (0..<nodeCount).map { "\(prefix)n\($0)" }
        client = "\(prefix)cl"
        directory = NSTemporaryDirectory() + prefix
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        tearDownNamespaces()
        _ = Shell.must("ip netns add \(prefix)sw && ip -n \(prefix)sw link add br0 type bridge && ip -n \(prefix)sw link set br0 up")
        for (index, namespace) in (nodes + [client]).enumerated() {
            let address = namespace == client ? 200 : 10 + index
            _ = Shell.must("""
            ip netns add \(namespace) && \
            ip netns exec \(namespace) sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0 && \
            ip link add eth0 netns \(namespace) type veth peer name p\(index) netns \(prefix)sw && \
            ip -n \(prefix)sw link set p\(index) master br0 && ip -n \(prefix)sw link set p\(index) up && \
            ip -n \(namespace) addr add 10.250.\(subnet).\(address)/24 dev eth0 && \
            ip -n \(namespace) addr add fd00:250:\(subnet)::\(address)/64 dev eth0 nodad && \
            ip -n \(namespace) link set eth0 up && ip -n \(namespace) link set lo up
            """)
        }
    }

    /// Deletes a node's eth0 and creates it again under the same name, as ifdown/ifup or a
    /// rebuilt VLAN or bond does: a new ifindex and MAC, its addresses back, up.
    func recreateLink(_ node: Int) {
        let namespace = nodes[node]
        _ = Shell.must("""
        ip -n \(namespace) link del eth0 && \
        ip link add eth0 netns \(namespace) type veth peer name p\(node) netns \(prefix)sw && \
        ip -n \(prefix)sw link set p\(node) master br0 && ip -n \(prefix)sw link set p\(node) up && \
        ip -n \(namespace) addr add \(address(of: node))/24 dev eth0 && \
        ip -n \(namespace) addr add \(address6(of: node))/64 dev eth0 nodad && \
        ip -n \(namespace) link set eth0 up
        """)
    }

    /// A node's eth0 ifindex (0 when it has none).
    func interfaceIndex(of node: Int) -> Int {
        Int(Shell.run("ip -n \(nodes[node]) -o link show dev eth0").output.split(separator: ":").first ?? "") ?? 0
    }

    func address(of node: Int) -> String { "10.250.\(subnet).\(10 + node)" }
    var virtualAddress: String { "10.250.\(subnet).100" }
    var virtualAddress6: String { "fd00:250:\(subnet)::100" }
    func address6(of node: Int) -> String { "fd00:250:\(subnet)::\(10 + node)" }

    /// The IPv6 link-local address of a node's eth0: the source of its VRRPv3 IPv6 adverts.
    func linkLocal(of node: Int) -> String {
        let line = Shell.run("ip -n \(nodes[node]) -6 -o addr show dev eth0 scope link").output
        return line.components(separatedBy: "inet6 ").dropFirst().first?.components(separatedBy: "/").first ?? ""
    }

    /// A VRRPv3 keepalived.conf both daemons read: one instance of `family` at `interval`
    /// seconds (`0.1`), no authentication (v3 has none).
    func config3(priority: Int, family: String, interval: String, extra: String = "", vrid: Int = 51) -> String {
        """
        global_defs {
            vrrp_version 3
        }
        vrrp_instance VI_1 {
            state BACKUP
            interface eth0
            virtual_router_id \(vrid)
            priority \(priority)
            advert_int \(interval)
            virtual_ipaddress {
                \(family == "ipv6" ? virtualAddress6 + "/64" : virtualAddress + "/24")
            }
        \(extra)}

        """
    }

    /// A keepalived.conf both vipkeeper and keepalived read; `checks` goes before the instance.
    func config(priority: Int, extra: String = "", unicastPeers: [Int]? = nil, node: Int = 0, vrid: Int = 51, checks: String = "") -> String {
        let unicast = unicastPeers.map { peers in
            "    unicast_src_ip \(address(of: node))\n    unicast_peer {\n" + peers.map { "        \(address(of: $0))\n" }.joined() + "    }\n"
        } ?? ""
        return checks + """
        vrrp_instance VI_1 {
            state BACKUP
            interface eth0
            virtual_router_id \(vrid)
            priority \(priority)
            advert_int 1
            authentication {
                auth_type PASS
                auth_pass harbor
            }
            virtual_ipaddress {
                \(virtualAddress)/24
            }
        \(unicast)\(extra)}

        """
    }

    func write(_ name: String, _ text: String) -> String {
        let path = directory + "/" + name
        if !FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) { Issue.record("cannot write \(path)") }
        return path
    }

    // MARK: - Processes

    /// Starts `vipkeeper run` in a node namespace; returns its pid (ip netns exec execs, so
    /// the pid is vipkeeper's own). `launcher` is a command that execs the rest, such as
    /// `prlimit --nofile=1024:1024 --`.
    @discardableResult
    func startVipkeeper(node: Int, config: String, environment: [String] = [], launcher: [String] = []) -> Int32 {
        let path = write("node\(node).conf", config)
        return spawn(["ip", "netns", "exec", nodes[node]] + launcher + ["env"] + environment
                        + [Self.vipkeeper, "run", "-f", path, "--socket", socket(node), "--state-directory", directory + "/state\(node)"],
                     log: directory + "/node\(node).log")
    }

    func socket(_ node: Int) -> String { directory + "/node\(node).sock" }

    /// Starts keepalived (VRRP only, foreground) in a node namespace.
    @discardableResult
    func startKeepalived(node: Int, config: String) -> Int32 {
        let path = write("keepalived\(node).conf", config)
        // After a crash (`crash`) the pid files are left, and the VRRP child may linger as an
        // unreaped zombie, which keepalived takes for a running daemon. A rebooted machine
        // has no such files.
        for file in ["keepalived\(node).pid", "vrrp\(node).pid"] { try? FileManager.default.removeItem(atPath: directory + "/" + file) }
        return spawn(["ip", "netns", "exec", nodes[node], "/usr/sbin/keepalived", "-P", "-n", "-l", "-D", "-f", path,
                      "-p", directory + "/keepalived\(node).pid", "-r", directory + "/vrrp\(node).pid"],
                     log: directory + "/keepalived\(node).log")
    }

    @discardableResult
    func spawn(_ arguments: [String], log: String) -> Int32 {
        guard let pid = ChildLauncher.spawn(arguments, log: log) else {
            Issue.record("could not start \(arguments): \(String(cString: strerror(errno)))")
            return -1
        }
        processes.append(pid)
        return pid
    }

    /// A machine failure: SIGKILL to the process's whole group at once (keepalived and its VRRP
    /// child), so nothing gets to resign; waits (bounded) for the exit.
    func crash(_ pid: Int32) {
        kill(-pid, SIGKILL)
        stop(pid, signal: SIGKILL)
    }

    /// Sends a signal and waits (bounded) for the process to exit.
    @discardableResult
    func stop(_ pid: Int32, signal: Int32 = SIGTERM, timeout: TimeInterval = 10) -> Bool {
        kill(pid, signal)
        let exited = waitUntil(timeout: timeout) { kill(pid, 0) != 0 || isZombie(pid) } != nil
        var status: Int32 = 0
        waitpid(pid, &status, WNOHANG)
        processes.removeAll { $0 == pid }
        return exited
    }

    private func isZombie(_ pid: Int32) -> Bool {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == pid
    }

    func log(_ name: String) -> String {
        (try? String(contentsOfFile: directory + "/" + name, encoding: .utf8)) ?? ""
    }

    // MARK: - Harbor stand-in

    private var nginxPIDs: [Int: Int32] = [:]

    /// Starts nginx in a node namespace serving Harbor's /api/v2.0/ping and /api/v2.0/health
    /// (spec/harbor.md), the health JSON from a file the test can rewrite.
    func startNginx(_ node: Int) {
        let root = directory + "/nginx\(node)"
        try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        chmod(directory, 0o755)
        chmod(root, 0o755)
        if !FileManager.default.fileExists(atPath: root + "/health.json") { setHarborHealth(node, unhealthy: []) }
        let conf = write("nginx\(node).conf", """
        daemon off;
        worker_processes 1;
        pid \(root)/nginx.pid;
        error_log \(root)/error.log;
        events { worker_connections 64; }
        http {
            access_log off;
            client_body_temp_path \(root); proxy_temp_path \(root); fastcgi_temp_path \(root);
            uwsgi_temp_path \(root); scgi_temp_path \(root);
            server {
                listen 80;
                location = /api/v2.0/ping { default_type text/plain; return 200 "Pong"; }
                location = /api/v2.0/health { default_type application/json; alias \(root)/health.json; }
            }
        }
        """)
        nginxPIDs[node] = spawn(["ip", "netns", "exec", nodes[node], "nginx", "-c", conf, "-p", root], log: directory + "/nginx\(node).log")
        let ready = waitUntil(timeout: 5) {
            Shell.run("ip netns exec \(self.nodes[node]) curl -sf -o /dev/null --max-time 1 http://127.0.0.1/api/v2.0/ping").status == 0
        }
        if ready == nil { Issue.record("nginx did not start in \(nodes[node]): \(log("nginx\(node).log"))") }
    }

    func stopNginx(_ node: Int) {
        if let pid = nginxPIDs.removeValue(forKey: node) { stop(pid, signal: SIGTERM) }
    }

    /// Rewrites a node's /api/v2.0/health answer: still HTTP 200, as Harbor does.
    func setHarborHealth(_ node: Int, unhealthy: [String]) {
        let components = ["core", "portal", "jobservice", "registry", "registryctl", "database", "redis"].map {
            "{\"name\":\"\($0)\",\"status\":\"\(unhealthy.contains($0) ? "unhealthy" : "healthy")\"}"
        }
        let text = "{\"status\":\"\(unhealthy.isEmpty ? "healthy" : "unhealthy")\",\"components\":[\(components.joined(separator: ","))]}"
        let path = directory + "/nginx\(node)/health.json"
        if !FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o644]) {
            Issue.record("cannot write \(path)")
        }
    }

    // MARK: - Observations (real kernel state, not vipkeeper's word)

    func holdsVirtualAddress(_ node: Int, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        holds(node, family: "-4", address: virtualAddress, sourceLocation: sourceLocation)
    }

    /// Whether a node's eth0 has `address` (any prefix). A failed `ip` (namespace or eth0 gone)
    /// is recorded as an issue rather than read as "not held", so a "not held" check cannot
    /// pass on a lab that is no longer there.
    func holds(_ node: Int, family: String, address: String, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let command = "ip -n \(nodes[node]) \(family) -o addr show dev eth0"
        let result = Shell.run(command)
        if result.status != 0 {
            Issue.record("`\(command)` failed (\(result.status)): \(result.output)", sourceLocation: sourceLocation)
            return false
        }
        return result.output.contains(" \(address)/")
    }

    func holders(sourceLocation: SourceLocation = #_sourceLocation) -> [Int] {
        nodes.indices.filter { holdsVirtualAddress($0, sourceLocation: sourceLocation) }
    }

    /// Which nodes have the IPv6 virtual address on eth0 (kernel state).
    func holders6(sourceLocation: SourceLocation = #_sourceLocation) -> [Int] {
        nodes.indices.filter { holds($0, family: "-6", address: virtualAddress6, sourceLocation: sourceLocation) }
    }

    /// The holders of the family's virtual address.
    func holders(_ family: String, sourceLocation: SourceLocation = #_sourceLocation) -> [Int] {
        family == "ipv6" ? holders6(sourceLocation: sourceLocation) : holders(sourceLocation: sourceLocation)
    }

    /// The client reaches the family's virtual address (ARP or neighbour discovery resolved
    /// it to the holder).
    func clientReaches(_ family: String) -> Bool {
        Shell.run("ip netns exec \(client) ping -\(family == "ipv6" ? "6" : "4") -c 1 -W 1 \(family == "ipv6" ? virtualAddress6 : virtualAddress)").status == 0
    }

    /// The MAC the client's neighbour table has for the family's virtual address.
    func clientNeighbourMAC(_ family: String) -> String? {
        let line = Shell.run("ip -n \(client) neigh show \(family == "ipv6" ? virtualAddress6 : virtualAddress)").output
        return line.components(separatedBy: "lladdr ").dropFirst().first.map { String($0.prefix(17)) }
    }

    func mac(of node: Int) -> String {
        Shell.run("ip -n \(nodes[node]) -o link show dev eth0").output
            .components(separatedBy: "link/ether ").dropFirst().first?.prefix(17).description ?? ""
    }

    func clientReachesVirtualAddress() -> Bool {
        Shell.run("ip netns exec \(client) ping -c 1 -W 1 \(virtualAddress)").status == 0
    }

    /// The MAC the client's neighbour table has for the VIP.
    func clientNeighbourMAC() -> String? {
        let line = Shell.run("ip -n \(client) neigh show \(virtualAddress)").output
        return line.components(separatedBy: "lladdr ").dropFirst().first.map { String($0.prefix(17)) }
    }

    /// `vipkeeper status --json` of a node, decoded loosely.
    func report(_ node: Int) -> [String: Any]? {
        let result = Shell.run("\(Self.vipkeeper) status --json --socket \(socket(node))")
        // 0 healthy, 1 degraded: both print the report; 3 is unreachable.
        guard (0...2).contains(result.status), let data = result.output.data(using: .utf8) else { return nil }
        return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    }

    /// The first instance of a node's status report.
    func status(_ node: Int) -> [String: Any]? {
        (report(node)?["instances"] as? [[String: Any]])?.first
    }

    /// Tests/Tools, next to this target's sources.
    static let tools: String = {
        var path = #filePath
        for _ in 0..<2 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path + "/Tools"
    }()

    /// The gratuitous ARPs the client sees for `address` (the VIP by default) in the 11 s after
    /// `start` is called; nil when the counter reported nothing.
    func gratuitousARPs(for address: String? = nil, start: () -> Void) -> Int? {
        let counter = spawn(["ip", "netns", "exec", client, "python3", Self.tools + "/arp-count.py", "eth0",
                             address ?? virtualAddress, "11"], log: directory + "/arp.log")
        usleep(300_000)
        start()
        _ = waitUntil(timeout: 15) { self.log("arp.log").contains("total ") }
        stop(counter)
        let line = log("arp.log").split(separator: "\n").first { $0.hasPrefix("total ") }
        return line.flatMap { Int($0.dropFirst(6)) }
    }

    // MARK: - Network faults

    /// Drops VRRP (protocol 112) arriving at a node: with both sides blocked, a partition.
    func blockVRRP(_ node: Int) {
        _ = Shell.must("ip netns exec \(nodes[node]) nft 'add table ip vk; add chain ip vk in { type filter hook input priority 0; }; add rule ip vk in ip protocol 112 drop'")
    }

    func unblockVRRP(_ node: Int) {
        _ = Shell.must("ip netns exec \(nodes[node]) nft delete table ip vk")
    }

    // MARK: - Tear-down

    func tearDown() {
        for pid in processes {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        processes = []
        // keepalived forks its VRRP child: kill it by its pid file.
        for node in nodes.indices {
            for file in ["keepalived\(node).pid", "vrrp\(node).pid"] {
                if let text = try? String(contentsOfFile: directory + "/" + file, encoding: .utf8),
                   let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                    kill(pid, SIGKILL)
                }
            }
        }
        tearDownNamespaces()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Kills whatever still runs inside the namespaces (nginx workers, keepalived's VRRP
    /// child, check scripts), by pid, then deletes them.
    private func tearDownNamespaces() {
        for namespace in nodes + [client, "\(prefix)sw"] {
            Shell.run("ip netns pids \(namespace) 2>/dev/null | xargs -r kill -9")
            _ = waitUntil(timeout: 2) { Shell.run("ip netns pids \(namespace) 2>/dev/null").output.isEmpty }
            Shell.run("ip netns del \(namespace) 2>/dev/null")
        }
    }
}
