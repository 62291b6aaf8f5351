import Node
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Hands results from the HTTP probe's thread to the event loop: a locked queue plus a pipe
/// whose read end the loop polls.
final class HealthInbox: Sendable {
    let readDescriptor: Int32
    private let writeDescriptor: Int32
    private let queue = Mutex<[(run: CheckRunID, outcome: CheckOutcome)]>([])

    init() throws(AgentError) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw .socket(operation: "pipe for health results", errno: errno) }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        readDescriptor = fds[0]
        writeDescriptor = fds[1]
    }

    deinit {
        close(readDescriptor)
        close(writeDescriptor)
    }

    func post(run: CheckRunID, outcome: CheckOutcome) {
        queue.withLock { $0.append((run, outcome)) }
        var byte: UInt8 = 1
        _ = write(writeDescriptor, &byte, 1)
    }

    func drain() -> [(run: CheckRunID, outcome: CheckOutcome)] {
        var buffer = [UInt8](repeating: 0, count: 256)
        while read(readDescriptor, &buffer, buffer.count) > 0 {}
        return queue.withLock { items in
            defer { items.removeAll() }
            return items
        }
    }
}
