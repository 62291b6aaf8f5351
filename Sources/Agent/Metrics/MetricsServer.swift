import CLinux
import VRRP
#if canImport(Glibc)
import Glibc
#endif

/// `GET /metrics` over HTTP/1.0 and HTTP/1.1 on the daemon's own event loop: a non-blocking
/// TCP listener and connections the loop polls (`Daemon.register`), as the control socket's
/// are (`ControlServer`). A connection reads one request head (at most 8 KiB), is answered
/// with `Connection: close`, and is closed once the answer is written; nothing here blocks or
/// waits. The exposition is rendered in the loop when a scrape asks for it, at most once per
/// `renderInterval` (a scraper in a tight loop gets text up to 250 ms old instead of keeping
/// the loop rendering), and never while nobody scrapes.
///
/// Connections are bounded in number and idle time, so scrapers (or anyone who can reach the
/// port) cannot take the daemon's descriptors: with 1,100 idle connections the daemon once had
/// none left to watch a check script (pidfd_open), and every check failed.
final class MetricsServer {
    final class Connection {
        let fileDescriptor: Int32
        var input: [UInt8] = []
        /// The answer, and how much of it is written.
        var output: [UInt8] = []
        var written = 0
        /// A whole request head was read (or refused): the connection only answers now.
        var requested = false
        /// The answer is written and our side shut down; what the client still sends is read
        /// and dropped until it closes, so closing never resets an answer it has not read.
        var drainingSince: Int64?
        /// The last time anything was read or written (milliseconds, the loop's clock).
        var lastActivity: Int64

        init(fileDescriptor: Int32, now: Int64) {
            self.fileDescriptor = fileDescriptor
            lastActivity = now
        }

        deinit { close(fileDescriptor) }

        /// What the event loop polls it for: the request head, then the writing of the answer.
        var interest: PollInterest {
            written < output.count ? .writable : .readable
        }
    }

    /// `host:port`, as the log and errors name the listener.
    let listen: String
    let fileDescriptor: Int32
    /// The port listened on (the one asked for, or the kernel's choice for 0).
    let port: Int
    private(set) var connections: [Connection] = []

    /// Open connections at most. Past it the oldest connection that has not sent a request is
    /// closed to make room (a scraper sends its request at once), so idle connections cannot
    /// lock a scraper out; when every one is busy the new connection is closed at once.
    static let maximumConnections = 64
    /// A connection with no traffic for this long is closed (milliseconds).
    static let idleTimeout: Int64 = 10_000
    /// A connection whose answer is written is closed this long after at the latest, whatever
    /// its client still sends (milliseconds).
    static let drainTimeout: Int64 = 1_000
    /// The shortest time between two renderings (milliseconds).
    static let renderInterval: Int64 = 250

    /// accept(2), paused a second when it fails for want of descriptors (`AcceptGate`).
    private var gate = AcceptGate(pause: 1_000)
    var pausedUntil: Int64? { gate.pausedUntil }
    /// The last rendering and when it was made.
    private var lastText = ""
    private var renderedAt: Int64?

    /// Listens on `host:port` (IPv4 or IPv6; port 0: one the kernel picks). Throws
    /// `AgentError.metrics` when the socket cannot be made or bound.
    init(host: IPAddress, port: Int) throws(AgentError) {
        let listen = host.family == .ipv6 ? "[\(host)]:\(port)" : "\(host):\(port)"
        self.listen = listen
        guard (0...65535).contains(port) else { throw .metrics(listen: listen, reason: "port \(port) is out of range") }
        let family = host.family == .ipv6 ? AF_INET6 : AF_INET
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw .metrics(listen: listen, reason: errorText(errno)) }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound: Int32
        switch host {
        case .v4(let address):
            var socketAddress = sockaddr_in()
            socketAddress.sin_family = sa_family_t(AF_INET)
            socketAddress.sin_port = in_port_t(UInt16(port)).bigEndian
            withUnsafeMutableBytes(of: &socketAddress.sin_addr) { $0.copyBytes(from: address.octets) }
            bound = withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        case .v6(let address):
            // Only IPv6: `[::]` is not also every IPv4 address, whatever bindv6only says.
            _ = setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
            var socketAddress = sockaddr_in6()
            socketAddress.sin6_family = sa_family_t(AF_INET6)
            socketAddress.sin6_port = in_port_t(UInt16(port)).bigEndian
            withUnsafeMutableBytes(of: &socketAddress.sin6_addr) { $0.copyBytes(from: address.octets) }
            bound = withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
        guard bound == 0, Glibc.listen(fd, 64) == 0 else {
            let reason = errorText(errno)
            close(fd)
            throw .metrics(listen: listen, reason: reason)
        }
        fileDescriptor = fd
        var local = sockaddr_in6()  // room for either family; the port sits at the same offset
        var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        let named = withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = named == 0 ? Int(UInt16(bigEndian: local.sin6_port)) : port
    }

    deinit {
        connections.removeAll()
        close(fileDescriptor)
    }

    /// Whether the event loop polls the listener now.
    func listening(now: Int64) -> Bool {
        gate.listening(now: now)
    }

    /// Accepts every waiting connection (at most a bounded number per turn). Returns a
    /// sentence for the log when accepting starts to fail for want of descriptors or memory
    /// (the listener then pauses a second, and clients wait in the backlog).
    func acceptClients(now: Int64) -> String? {
        gate.acceptAll(from: fileDescriptor, now: now, what: "metrics listener \(listen): cannot accept a connection") { client in
            if connections.count >= Self.maximumConnections,
               let idle = connections.firstIndex(where: { !$0.requested || $0.drainingSince != nil }) {
                connections.remove(at: idle)
            }
            guard connections.count < Self.maximumConnections else {
                close(client)
                return
            }
            connections.append(Connection(fileDescriptor: client, now: now))
        }
    }

    /// Serves a connection the loop found ready: reads its request head and answers it (the
    /// exposition from `render`, called at most once per `renderInterval`), writes what is
    /// left of the answer, or drains a closing connection.
    func serve(_ connection: Connection, now: Int64, render: () -> String) {
        if connection.written < connection.output.count {
            flush(connection, now: now)
        } else if connection.drainingSince != nil {
            drain(connection)
        } else if !connection.requested {
            read(connection, now: now, render: render)
        }
    }

    /// Closes connections idle for `idleTimeout`, and closing ones past `drainTimeout`.
    func expire(now: Int64) {
        connections.removeAll { connection in
            if let since = connection.drainingSince { return now - since >= Self.drainTimeout }
            return now - connection.lastActivity >= Self.idleTimeout
        }
    }

    private func read(_ connection: Connection, now: Int64, render: () -> String) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(connection.fileDescriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                connection.lastActivity = now
                connection.input += buffer[0..<count]
                let parsed = MetricsRequest.parse(connection.input)
                guard parsed == .incomplete else {
                    answer(connection, parsed, now: now, render: render)
                    return
                }
                continue
            }
            if count < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return }
            // The client closed (or the connection failed) before a whole head: nothing to answer.
            drop(connection)
            return
        }
    }

    private func answer(_ connection: Connection, _ parsed: MetricsRequest.Parsed, now: Int64, render: () -> String) {
        connection.requested = true
        connection.input = []
        connection.output = MetricsRequest.answer(parsed) {
            if let renderedAt, now - renderedAt < Self.renderInterval { return lastText }
            renderedAt = now
            lastText = render()
            return lastText
        }
        connection.written = 0
        flush(connection, now: now)
    }

    /// Writes what the socket takes now; the rest waits for the connection to be writable.
    private func flush(_ connection: Connection, now: Int64) {
        while connection.written < connection.output.count {
            let count = connection.output.withUnsafeBytes { bytes in
                send(connection.fileDescriptor, bytes.baseAddress! + connection.written, bytes.count - connection.written,
                     Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
            }
            if count > 0 {
                connection.written += count
                connection.lastActivity = now
                continue
            }
            if count < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return }
            drop(connection)
            return
        }
        // All written: our side is done. Reading on until the client closes keeps the kernel
        // from answering its unread bytes (an oversized head) with a reset that could discard
        // the answer before the client reads it.
        connection.output = []
        connection.written = 0
        connection.drainingSince = now
        shutdown(connection.fileDescriptor, Int32(SHUT_WR))
        drain(connection)
    }

    /// Reads and drops at most 64 KiB a turn (a client that keeps sending cannot hold the
    /// loop); the connection is closed when the client closes, or at `drainTimeout`.
    private func drain(_ connection: Connection) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        for _ in 0..<16 {
            let count = buffer.withUnsafeMutableBytes { recv(connection.fileDescriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 { continue }
            if count < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return }
            drop(connection)
            return
        }
    }

    private func drop(_ connection: Connection) {
        connections.removeAll { $0 === connection }
    }
}
