import ArgumentParser
import ControlProtocol
#if canImport(Glibc)
import Glibc
#endif

/// Sends one request line to the daemon's control socket and reads the whole answer.
enum ControlClient {
    enum Failure: Error, CustomStringConvertible {
        case cannotConnect(path: String, reason: String)
        case timedOut(path: String)
        case unexpected(String)

        var description: String {
            switch self {
            case .cannotConnect(let path, let reason): return "cannot reach vipkeeper at \(path): \(reason) (is `vipkeeper run` running, and are you root?)"
            case .timedOut(let path): return "vipkeeper at \(path) did not answer in time"
            case .unexpected(let text): return "unexpected answer from the daemon: \(text)"
            }
        }
    }

    /// Sends a request that changes something and prints the daemon's answer (`done` when it
    /// says nothing); exits 2 when refused, 3 on an error or when the daemon cannot be reached.
    static func perform(_ request: ControlRequest, socketPath: String, done: String) throws {
        let reply: ControlReply
        do {
            reply = try send(request, socketPath: socketPath, timeout: 10)
        } catch {
            StandardError.write("vipkeeper: \(error)")
            throw ExitCode(3)
        }
        switch reply.outcome {
        case .ok:
            print(reply.message ?? done)
        case .refused:
            StandardError.write("vipkeeper: \(reply.message ?? "refused")")
            throw ExitCode(2)
        case .error:
            StandardError.write("vipkeeper: \(reply.message ?? "error")")
            throw ExitCode(3)
        }
    }

    /// Sends a request and decodes the daemon's reply.
    static func send(_ request: ControlRequest, socketPath: String, timeout seconds: Int = 5) throws(Failure) -> ControlReply {
        let text = try self.request(String(request.line().dropLast()), socketPath: socketPath, timeout: seconds)
        do {
            return try ControlReply.decode(text)
        } catch {
            throw .unexpected(String(text.prefix(200)))
        }
    }

    static func request(_ line: String, socketPath: String, timeout seconds: Int = 5) throws(Failure) -> String {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .cannotConnect(path: socketPath, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard let address = UnixSocketAddress(socketPath) else {
            throw .cannotConnect(path: socketPath, reason: "path too long")
        }
        let connected = address.withSockaddr { connect(fd, $0, $1) }
        guard connected == 0 else { throw .cannotConnect(path: socketPath, reason: String(cString: strerror(errno))) }
        let request = Array((line + "\n").utf8)
        _ = request.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 { answer += buffer[0..<count]; continue }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { throw .timedOut(path: socketPath) }
            break
        }
        return String(decoding: answer, as: UTF8.self)
    }
}
