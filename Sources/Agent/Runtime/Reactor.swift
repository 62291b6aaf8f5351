#if canImport(Glibc)
import Glibc
#endif

/// poll(2) over the descriptors registered for one turn of the event loop: sockets, the
/// signalfd, pidfds, netlink, the control socket. It reports which sources are ready; what
/// that means is the caller's business.
struct Reactor<Source: Hashable> {
    private var sources: [Source] = []
    private var descriptors: [pollfd] = []

    mutating func register(_ source: Source, fd: Int32, writable: Bool = false) {
        sources.append(source)
        descriptors.append(pollfd(fd: fd, events: Int16(writable ? POLLOUT : POLLIN), revents: 0))
    }

    /// Waits until a source is ready or `timeout` passes (at most a second, so a stuck
    /// deadline computation can never stall the loop), then forgets the registrations.
    mutating func wait(timeout: Duration) -> [Source] {
        defer {
            sources = []
            descriptors = []
        }
        let milliseconds = Int32(min(max(0, timeout.millisecondsRoundedUp), 1000))
        let ready = poll(&descriptors, nfds_t(descriptors.count), milliseconds)
        guard ready > 0 else { return [] }
        return zip(sources, descriptors).filter { $0.1.revents != 0 }.map(\.0)
    }
}
