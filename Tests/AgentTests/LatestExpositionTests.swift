import NIOCore
import NIOPosix
import Testing
@testable import Agent

@Suite("metrics rendered on demand")
struct LatestExpositionTests {
    @Test("a scrape wakes the event loop and gets the rendering made for it; one that waits too long gets the last text")
    func requestPublishExpire() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let exposition = LatestExposition()
        #expect(exposition.readDescriptor >= 0)
        #expect(!exposition.drainRequests(), "nothing waits before a scrape")

        let first = group.next().makePromise(of: String.self)
        _ = exposition.request(first)
        #expect(exposition.drainRequests(), "a scrape is seen by the loop")
        exposition.publish("rendered for the scrape\n")
        #expect(try first.futureResult.wait() == "rendered for the scrape\n")
        #expect(!exposition.drainRequests(), "an answered scrape no longer waits")

        let late = group.next().makePromise(of: String.self)
        let ticket = exposition.request(late)
        exposition.expire(ticket)
        #expect(try late.futureResult.wait() == "rendered for the scrape\n")
        exposition.publish("next\n")  // must not complete the expired promise a second time
    }
}
