import Foundation
import Testing

extension NamespaceSuites {
    @Suite("connections on a released VIP are reset", .serialized)
    struct ConnectionResetTests {
        /// A server on node 0 that accepts on every address and says nothing (a transfer the
        /// client waits on): on 8080 over IPv4, on 8082 over a dual-stack IPv6 socket (IPv4
        /// clients arrive as ::ffff:VIP); plus a listener bound to the VIP itself.
        func startServer(_ lab: NetworkLab) {
            let script = """
            import socket, sys
            anywhere = socket.socket(); anywhere.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            anywhere.bind(("0.0.0.0", 8080)); anywhere.listen()
            bound = socket.socket(); bound.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            bound.bind(("\(lab.virtualAddress)", 8081)); bound.listen()
            dual = socket.socket(socket.AF_INET6); dual.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
            dual.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); dual.bind(("::", 8082)); dual.listen()
            print("listening", flush=True)
            held = []
            for listener in (anywhere, dual):
                connection, peer = listener.accept(); held.append(connection)
                print("accepted", peer[0], flush=True)
            import time
            time.sleep(60)
            """
            lab.spawn(["ip", "netns", "exec", lab.nodes[0], "python3", "-c", script], log: lab.directory + "/server.log")
        }

        /// A client in the lab's client namespace that connects to the VIP and waits up to 10 s
        /// for data; it prints what ended the wait and after how long.
        func startClient(_ lab: NetworkLab, port: Int) {
            let script = """
            import socket, time
            s = socket.create_connection(("\(lab.virtualAddress)", \(port)), timeout=5); s.settimeout(10)
            print("connected", flush=True)
            start = time.time()
            try:
                data = s.recv(16); print("ended: closed" if not data else "ended: data", round(time.time() - start, 3), flush=True)
            except ConnectionResetError:
                print("ended: reset", round(time.time() - start, 3), flush=True)
            except socket.timeout:
                print("ended: timeout", round(time.time() - start, 3), flush=True)
            """
            lab.spawn(["ip", "netns", "exec", lab.client, "python3", "-c", script], log: lab.directory + "/client\(port).log")
        }

        @Test("a Master that releases its VIP (SIGTERM) resets the connections on it first: a waiting client gets a RST at once, not its timeout; a listener bound to the VIP stays; under vrrp_rt_priority with a 10 ms RLIMIT_RTTIME too",
              arguments: [false, true])
        func resetOnRelease(realtime: Bool) throws {
            guard let lab = openLab(tag: realtime ? "crt" : "cr", subnet: 113, nodes: 2) else { return }
            defer { lab.tearDown() }
            // The socket dump runs at SCHED_OTHER: a real-time loop with keepalived's tightest
            // limit must not be killed by it (SIGKILL at the hard RLIMIT_RTTIME).
            let globals = realtime ? "global_defs {\n    vrrp_rt_priority 20\n    vrrp_rlimit_rttime 10000\n}\n" : ""
            let master = lab.startVipkeeper(node: 0, config: globals + lab.config(priority: 150))
            lab.startVipkeeper(node: 1, config: lab.config(priority: 100))
            try #require(waitUntil(timeout: masterDown(150) + 3) { lab.holders() == [0] } != nil, "A never held the VIP: \(lab.log("node0.log"))")
            startServer(lab)
            try #require(waitUntil(timeout: 5) { lab.log("server.log").contains("listening") } != nil, "server: \(lab.log("server.log"))")
            startClient(lab, port: 8080)
            try #require(waitUntil(timeout: 5) { lab.log("server.log").contains("accepted") } != nil, "server: \(lab.log("server.log"))")
            startClient(lab, port: 8082)
            try #require(waitUntil(timeout: 5) {
                lab.log("server.log").contains("accepted ::ffff:") && lab.log("client8080.log").contains("connected") && lab.log("client8082.log").contains("connected")
            } != nil, "no connections: server \(lab.log("server.log")) clients \(lab.log("client8080.log")) \(lab.log("client8082.log"))")

            let stopped = Date()
            #expect(lab.stop(master), "vipkeeper on A did not stop")
            for port in [8080, 8082] {
                // Without the reset the client's recv ends in its 10 s timeout.
                let ended = waitUntil(timeout: 12) { lab.log("client\(port).log").contains("ended:") }
                let elapsed = Date().timeIntervalSince(stopped)
                let client = lab.log("client\(port).log")
                print("measured: SIGTERM of the Master -> the client waiting on port \(port) ended within \(String(format: "%.3f", elapsed)) s: \(client.split(separator: "\n").last ?? "")")
                #expect(ended != nil && client.contains("ended: reset"), "the client on port \(port) was not reset: \(client)")
                #expect(elapsed < 5, "the reset on port \(port) came \(elapsed) s after SIGTERM")
            }
            #expect(lab.log("node0.log").contains("reset 2 TCP connections on \(lab.virtualAddress) before releasing it"), "\(lab.log("node0.log"))")
            let listeners = Shell.run("ip netns exec \(lab.nodes[0]) ss -Hltn")
            #expect(listeners.status == 0 && listeners.output.contains("\(lab.virtualAddress):8081"),
                    "the listener bound to the VIP was destroyed: \(listeners.output)")
            #expect(waitUntil(timeout: 5) { lab.holders() == [1] } != nil, "B did not take the VIP")
            if realtime {
                #expect(lab.log("node0.log").contains("scheduling: SCHED_RR 20"), "\(lab.log("node0.log"))")
                #expect(!lab.log("node0.log").contains("received SIGXCPU"), "\(lab.log("node0.log"))")
            }
        }
    }
}
