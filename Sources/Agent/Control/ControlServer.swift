import Config
import ControlProtocol
#if canImport(Glibc)
import Glibc
#endif

/// The local control socket (`/run/vipkeeper/vipkeeper.sock`): a Unix stream socket, mode
/// 0600, polled by the event loop. A client sends one line (`status`) and reads the answer
/// until the server closes. Connections are non-blocking and bounded, so a stuck client
/// cannot stall the protocol.
final class ControlServer {
    final class Connection {
        let fileDescriptor: Int32
        var input: [UInt8] = []
        var output: [UInt8] = []
        var answered = false
        let opened: Int64

        init(fileDescriptor: Int32, opened: Int64) {
            self.fileDescriptor = fileDescriptor
            self.opened = opened
        }

        deinit { close(fileDescriptor) }
    }

    let path: String
    let fileDescriptor: Int32
    private(set) var connections: [Connection] = []
    /// Open connections at most. Past it the oldest connection that has sent nothing is
    /// closed to make room (a client that means it sends its request at once), or, when every
    /// one is busy, the new client gets a one-line error: the listening socket never stays
    /// readable unserviced (that would spin the loop) and idle clients cannot lock others out.
    static let maximumConnections = 128
    static let maximumRequest = 4096

    init(path: String) throws(AgentError) {
        self.path = path
        guard let address = UnixSocketAddress(path) else {
            throw .controlSocket(path: path, reason: "path is too long for a Unix socket")
        }
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        if !directory.isEmpty { mkdir(directory, 0o755) }
        // A socket file left by a crashed run is stale; anything else at the path is not ours.
        var info = stat()
        if lstat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFSOCK else {
                throw .controlSocket(path: path, reason: "exists and is not a socket")
            }
            unlink(path)
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw .controlSocket(path: path, reason: errorText(errno)) }
        let previous = umask(0o177)
        let bound = address.withSockaddr { bind(fd, $0, $1) }
        umask(previous)
        guard bound == 0, listen(fd, 16) == 0 else {
            let reason = errorText(errno)
            close(fd)
            throw .controlSocket(path: path, reason: reason)
        }
        fileDescriptor = fd
    }

    deinit {
        connections.removeAll()
        close(fileDescriptor)
        unlink(path)
    }

    /// Accepts every waiting client (at most a bounded number per turn).
    func acceptClients(now: Int64) {
        for _ in 0..<64 {
            let client = accept(fileDescriptor, nil, nil)
            guard client >= 0 else { return }
            _ = fcntl(client, F_SETFL, fcntl(client, F_GETFL) | O_NONBLOCK)
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            if connections.count >= Self.maximumConnections,
               let idle = connections.firstIndex(where: { $0.input.isEmpty && !$0.answered }) {
                connections.remove(at: idle)
            }
            guard connections.count < Self.maximumConnections else {
                let busy = Array("{\"error\": \"too many open control connections; try again\"}\n".utf8)
                _ = busy.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
                close(client)
                continue
            }
            connections.append(Connection(fileDescriptor: client, opened: now))
        }
    }

    /// Reads from a readable client; when a whole request line is in, asks `answer` for the
    /// response and starts writing it.
    func read(_ connection: Connection, answer: (String) -> String) {
        var buffer = [UInt8](repeating: 0, count: 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(connection.fileDescriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                connection.input += buffer[0..<count]
                if connection.input.count > Self.maximumRequest { drop(connection); return }
                continue
            }
            if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) {
                // Peer closed: answer what it sent, if anything.
                if !connection.answered && !connection.input.isEmpty { respond(connection, answer) } else if !connection.answered { drop(connection) }
            }
            break
        }
        if !connection.answered, connection.input.contains(UInt8(ascii: "\n")) {
            respond(connection, answer)
        }
    }

    private func respond(_ connection: Connection, _ answer: (String) -> String) {
        let line = String(decoding: connection.input.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        connection.output = Array((answer(line.trimmingWhitespace()) + "\n").utf8)
        connection.answered = true
        flush(connection)
    }

    /// Writes pending output; closes the connection when done.
    func flush(_ connection: Connection) {
        while !connection.output.isEmpty {
            let count = connection.output.withUnsafeBytes { send(connection.fileDescriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count > 0 {
                connection.output.removeFirst(count)
            } else {
                if errno == EAGAIN || errno == EWOULDBLOCK { return }
                break
            }
        }
        drop(connection)
    }

    /// Closes connections older than `limit` milliseconds.
    func expire(now: Int64, limit: Int64 = 2000) {
        connections.removeAll { now - $0.opened > limit }
    }

    private func drop(_ connection: Connection) {
        connections.removeAll { $0 === connection }
    }
}
