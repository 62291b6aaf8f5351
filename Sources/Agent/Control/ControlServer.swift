import CLinux
import ControlProtocol
import Node
#if canImport(Glibc)
import Glibc
#endif

/// The local control socket (`/run/vipkeeper/vipkeeper.sock`): a Unix stream socket, mode
/// 0600 (0660 with `control_group`), polled by the event loop. A client sends one request line
/// (`ControlRequest`, at most 64 KiB) and reads the answer until the server closes. Each
/// connection carries its peer's credentials (SO_PEERCRED, SO_PEERGROUPS) for authorisation.
/// Connections are non-blocking and bounded in number and time, so a stuck or hostile client
/// cannot stall the protocol.
final class ControlServer {
    final class Connection {
        let id: UInt64
        let fileDescriptor: Int32
        let peer: Peer
        var input: [UInt8] = []
        var output: [UInt8] = []
        /// A whole request was read; the answer may come later (a maintenance hand-over).
        var requested = false
        let opened: Int64

        init(id: UInt64, fileDescriptor: Int32, peer: Peer, opened: Int64) {
            self.id = id
            self.fileDescriptor = fileDescriptor
            self.peer = peer
            self.opened = opened
        }

        deinit { close(fileDescriptor) }

        /// What the event loop polls it for: its request, then the writing of the answer. In
        /// between (a maintenance hand-over defers the answer) only a hang-up: the client's
        /// end of file would keep the socket readable and the loop spinning until the answer.
        var interest: PollInterest {
            if !output.isEmpty { return .writable }
            return requested ? .hangUp : .readable
        }
    }

    let path: String
    let fileDescriptor: Int32
    private(set) var connections: [Connection] = []
    private var nextID: UInt64 = 0
    /// Open connections at most. Past it the oldest connection that has sent nothing is
    /// closed to make room (a client that means it sends its request at once), or, when every
    /// one is busy, the new client gets a one-line error: the listening socket never stays
    /// readable unserviced (that would spin the loop) and idle clients cannot lock others out.
    static let maximumConnections = 128
    /// A client has this long to send its request, and a request this long to be answered.
    static let requestTimeout: Int64 = 2_000
    static let answerTimeout: Int64 = 30_000

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

    /// Socket ownership for `control_group`: root:GROUP 0660, else root 0600. Returns why it
    /// could not be set, if it could not; the socket is then root 0600 (never a half-done
    /// 0660 over the wrong group), so only root can use it until the cause is fixed.
    func setGroup(_ group: Int32?) -> String? {
        guard chown(path, 0, group.map { gid_t(bitPattern: $0) } ?? 0) == 0 else {
            let code = errno
            _ = chown(path, 0, 0)
            _ = chmod(path, 0o600)
            // chown(2) to a group root is not in needs CAP_CHOWN: a unit that drops it is the
            // usual cause, and the operator should read which line to change.
            let missing = code == EPERM ? " (the daemon lacks CAP_CHOWN: add it to CapabilityBoundingSet and AmbientCapabilities of the unit)" : ""
            return "cannot give \(path) to group \(group.map(String.init) ?? "0"): \(errorText(code))\(missing)"
        }
        guard chmod(path, group == nil ? 0o600 : 0o660) == 0 else {
            return "cannot set the mode of \(path): \(errorText(errno))"
        }
        return nil
    }

    /// accept(2), paused 250 ms when it fails for want of descriptors (`AcceptGate`).
    private var gate = AcceptGate(pause: 250)
    var pausedUntil: Int64? { gate.pausedUntil }

    /// Whether the event loop polls the listener now.
    func listening(now: Int64) -> Bool {
        gate.listening(now: now)
    }

    /// Accepts every waiting client (at most a bounded number per turn). Returns a sentence
    /// for the log when accepting starts to fail for want of descriptors or memory (the
    /// listener then pauses, and clients wait in the backlog).
    func acceptClients(now: Int64) -> String? {
        gate.acceptAll(from: fileDescriptor, now: now, what: "control socket \(path): cannot accept a client") { client in
            if connections.count >= Self.maximumConnections,
               let idle = connections.firstIndex(where: { $0.input.isEmpty && !$0.requested }) {
                connections.remove(at: idle)
            }
            guard connections.count < Self.maximumConnections else {
                let busy = Array((ControlReply(outcome: .error, message: "too many open control connections; try again").json() + "\n").utf8)
                _ = busy.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
                close(client)
                return
            }
            nextID += 1
            connections.append(Connection(id: nextID, fileDescriptor: client, peer: Self.peer(of: client), opened: now))
        }
    }

    /// Who is at the other end: uid and every group (the primary one and the supplementary).
    private static func peer(of descriptor: Int32) -> Peer {
        var user: Int32 = -1
        var group: Int32 = -1
        guard vk_peer_credentials(descriptor, &user, &group) == 0 else { return Peer(userID: -1, groupIDs: []) }
        // 256 fit most callers; a member of more groups gets a buffer of the size the kernel
        // asks for (ERANGE), so its last group counts as much as its first.
        var groups = [Int32](repeating: 0, count: 256)
        var count = Int(vk_peer_groups(descriptor, &groups, Int32(groups.count)))
        if count > groups.count {
            groups = [Int32](repeating: 0, count: count)
            count = Int(vk_peer_groups(descriptor, &groups, Int32(groups.count)))
        }
        guard count >= 0, count <= groups.count else { return Peer(userID: user, groupIDs: [group]) }
        return Peer(userID: user, groupIDs: [group] + groups.prefix(count))
    }

    /// Reads from a readable client; returns its request line once it is complete. A request
    /// longer than `ControlRequest.maximumLength` gets an error and the connection is closed.
    func read(_ connection: Connection) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !connection.requested {
            let count = buffer.withUnsafeMutableBytes { recv(connection.fileDescriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                connection.input += buffer[0..<count]
                if let end = connection.input.firstIndex(of: UInt8(ascii: "\n")) {
                    connection.requested = true
                    return Array(connection.input[..<end])
                }
                if connection.input.count > ControlRequest.maximumLength {
                    connection.requested = true
                    respond(connection.id, ControlReply(outcome: .error, message: "\(ControlRequest.DecodingError.tooLong(connection.input.count))").json())
                    return nil
                }
                continue
            }
            if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) {
                // Peer closed its side: a request without a newline still counts.
                if !connection.input.isEmpty {
                    connection.requested = true
                    return connection.input
                }
                drop(connection)
            }
            return nil
        }
        return nil
    }

    /// A client that hung up while its answer was deferred is closed; the operation goes on
    /// and its answer, finding no connection, is dropped. (A client that only shut down its
    /// sending side still gets the answer: poll reports no hang-up for it.)
    func hungUp(_ connection: Connection) {
        drop(connection)
    }

    /// Starts writing the answer to a connection (if it is still open).
    func respond(_ id: UInt64, _ text: String) {
        guard let connection = connections.first(where: { $0.id == id }) else { return }
        connection.output = Array((text + "\n").utf8)
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

    /// Closes connections that sent no whole request in time, or whose answer never came.
    func expire(now: Int64) {
        connections.removeAll { now - $0.opened > ($0.requested ? Self.answerTimeout : Self.requestTimeout) }
    }

    private func drop(_ connection: Connection) {
        connections.removeAll { $0 === connection }
    }
}
