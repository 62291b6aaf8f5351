import Foundation
import Testing

extension NamespaceSuites {
    @Suite("systemd notify protocol", .serialized)
    struct SystemdNotifyTests {
        @Test("READY=1 after start, WATCHDOG=1 at half the watchdog period, STOPPING=1 on SIGTERM")
        func notify() throws {
            guard let lab = openLab(tag: "sd", subnet: 26, nodes: 1) else { return }
            defer { lab.tearDown() }
            let path = lab.directory + "/notify.sock"
            let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            #expect(fd >= 0)
            defer { close(fd) }
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { buffer in
                for (index, byte) in path.utf8.enumerated() { buffer[index] = byte }
            }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            #expect(bound == 0)
            var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var messages: [String] = []
            func collect(for seconds: Double) {
                let end = Date().addingTimeInterval(seconds)
                var buffer = [UInt8](repeating: 0, count: 4096)
                while Date() < end {
                    let count = recv(fd, &buffer, buffer.count, 0)
                    if count > 0 { messages.append(String(decoding: buffer[0..<count], as: UTF8.self)) }
                }
            }
            let pid = lab.startVipkeeper(node: 0, config: lab.config(priority: 100),
                                         environment: ["NOTIFY_SOCKET=\(path)", "WATCHDOG_USEC=1000000"])
            collect(for: 3)
            #expect(messages.contains("READY=1\nSTATUS=VI_1 BACKUP prio 100"), "\(messages)")
            // Every 0.5 s when idle; asserted loosely (a loaded machine may delay a ping or two).
            #expect(messages.filter { $0 == "WATCHDOG=1" }.count >= 2, "\(messages)")
            kill(pid, SIGTERM)
            collect(for: 1)
            #expect(messages.contains("STOPPING=1"))
            #expect(lab.stop(pid))
        }
    }
}
