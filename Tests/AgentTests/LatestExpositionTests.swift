#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix
import Testing
@testable import Agent

/// Whether the event loop's poll would wake: the descriptor is readable now.
private func readable(_ descriptor: Int32) -> Bool {
    var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
    return poll(&entry, 1, 0) == 1 && entry.revents & Int16(POLLIN) != 0
}

@Suite("metrics rendered on demand")
struct LatestExpositionTests {
    @Test("a scrape wakes the event loop and gets the rendering made for it; one that waits too long gets the last text")
    func requestPublishExpire() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let exposition = LatestExposition()
        try #require(exposition.readDescriptor >= 0)
        #expect(!readable(exposition.readDescriptor), "the loop is woken before any scrape")
        #expect(!exposition.drainRequests(), "nothing waits before a scrape")

        let first = group.next().makePromise(of: String.self)
        let firstTicket = exposition.request(first)
        #expect(readable(exposition.readDescriptor), "a scrape does not wake the loop's poll")
        #expect(exposition.drainRequests(), "a scrape is seen by the loop")
        #expect(!readable(exposition.readDescriptor), "draining left the pipe readable: the loop would spin")
        exposition.publish("rendered for the scrape\n")
        #expect(try first.futureResult.wait() == "rendered for the scrape\n")
        #expect(!exposition.drainRequests(), "an answered scrape no longer waits")
        exposition.expire(firstTicket)  // its timeout fires after the answer: nothing happens

        let late = group.next().makePromise(of: String.self)
        let ticket = exposition.request(late)
        #expect(ticket != firstTicket)
        exposition.expire(ticket)
        #expect(try late.futureResult.wait() == "rendered for the scrape\n")
        #expect(!exposition.drainRequests(), "an expired scrape no longer waits")
        exposition.publish("next\n")  // must not complete the expired promise a second time
        #expect(try late.futureResult.wait() == "rendered for the scrape\n", "the expired scrape's answer changed")

        // The new text is the one a later timed-out scrape gets, and what answerWaiting sends.
        let afterPublish = group.next().makePromise(of: String.self)
        exposition.expire(exposition.request(afterPublish))
        #expect(try afterPublish.futureResult.wait() == "next\n")
        let waiting = group.next().makePromise(of: String.self)
        _ = exposition.request(waiting)
        exposition.answerWaiting()
        #expect(try waiting.futureResult.wait() == "next\n")
        #expect(!exposition.drainRequests(), "answered scrapes no longer wait")
    }
}
