import CLinux
import VRRP
#if canImport(Glibc)
import Glibc
#endif

/// ppoll(2) over the descriptors registered for one turn of the event loop: sockets, the
/// signalfd, pidfds, netlink, the control socket. It reports which sources are ready; what
/// that means is the caller's business.
///
/// The deadline is kept by a timerfd, not by the poll timeout: Linux lets a poll timeout
/// expire late by 0.1 % of its length (select_estimate_accuracy), so a 1 s advert timer came
/// 1–1.4 ms late every time and the next advert was timed from the late one (bench/RESULTS.md).
struct Reactor<Source: Hashable> {
    private var sources: [Source] = []
    private var descriptors: [pollfd] = []
    /// -1 when no timerfd could be made: the poll timeout alone keeps time, less exactly.
    private let timer: Int32 = vk_timer_create()

    mutating func register(_ source: Source, fd: Int32, interest: PollInterest = .readable) {
        sources.append(source)
        descriptors.append(pollfd(fd: fd, events: interest.events, revents: 0))
    }

    /// Waits until a source is ready or `deadline` passes (at most a second from now, so a
    /// stuck deadline computation can never stall the loop), then forgets the registrations.
    mutating func wait(until deadline: Instant) -> [Source] {
        defer {
            // The next turn registers about as many: no allocation per turn.
            sources.removeAll(keepingCapacity: true)
            descriptors.removeAll(keepingCapacity: true)
        }
        let now = MonotonicClock.now()
        let deadline = min(deadline, now + .seconds(1))
        var backstop = deadline - now
        if timer >= 0, vk_timer_arm(timer, max(0, deadline.sinceOrigin.wholeNanoseconds)) == 0 {
            descriptors.append(pollfd(fd: timer, events: Int16(POLLIN), revents: 0))
            backstop += .milliseconds(100)  // the timerfd wakes first
        }
        let count = UInt(descriptors.count)
        let ready = descriptors.withUnsafeMutableBytes { vk_poll($0.baseAddress, count, max(0, backstop.wholeNanoseconds)) }
        if timer >= 0, descriptors.last?.fd == timer {
            if descriptors.removeLast().revents != 0 {
                var expirations: UInt64 = 0
                _ = read(timer, &expirations, 8)
            }
        }
        guard ready > 0 else { return [] }
        return zip(sources, descriptors).filter { $0.1.revents != 0 }.map { $0.0 }
    }

    mutating func wait(timeout: Duration) -> [Source] {
        wait(until: MonotonicClock.now() + timeout)
    }
}
