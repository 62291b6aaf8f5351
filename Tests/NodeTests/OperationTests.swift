@testable import Node
import Testing
import VRRP

/// `Operation` alone: inputs and time in, phase and outcome out; no node, no sockets.
@Suite("operation: a drill's and a maintenance hand-over's transitions")
struct OperationTests {
    static let start = Instant.seconds(100)
    static let peer = IPAddress.v4(IPv4Address(10, 250, 1, 12))

    static func drill(preempt: Bool = true, members: [String] = ["VI_1"]) -> Operation {
        Operation(id: 1, target: "VI_1", members: members,
                  purpose: .drill(hold: .seconds(3), timeout: .seconds(10), returnsByPreempt: preempt), startedAt: start)
    }

    static func maintenance() -> Operation {
        Operation(id: 2, target: "VI_1", members: ["VI_1"],
                  purpose: .maintenance(reason: "upgrade", strict: false, requestedAt: 0, reply: ReplyID(7)), startedAt: start)
    }

    /// A drill whose peer took over 0.4 s after the start.
    static func holding(preempt: Bool = true) -> Operation {
        var operation = drill(preempt: preempt)
        _ = operation.advertHeard(for: "VI_1", from: peer, priority: 100, now: start + .milliseconds(400))
        return operation
    }

    /// A drill on its return leg: the hold ended 3.4 s after the start.
    static func returning() -> Operation {
        var operation = holding()
        _ = operation.deadlinePassed(now: start + .milliseconds(3400))
        return operation
    }

    @Test("handover: a priority-0 advert or another instance's advert is no takeover; a member's advert above 0 starts the hold")
    func handoverToHolding() {
        var operation = Self.drill()
        #expect(operation.pins("VI_1") && operation.watchesGratuitousARP)
        #expect(operation.advertHeard(for: "VI_1", from: Self.peer, priority: 0, now: Self.start + .milliseconds(100)) == .nothing)
        #expect(operation.advertHeard(for: "VI_9", from: Self.peer, priority: 100, now: Self.start + .milliseconds(200)) == .nothing)
        #expect(operation.phase == .handover && operation.takeover == nil)

        let at = Self.start + .milliseconds(400)
        let takeover = Operation.Takeover(master: Self.peer, at: at)
        #expect(operation.advertHeard(for: "VI_1", from: Self.peer, priority: 100, now: at) == .holding(takeover, until: at + .seconds(3)))
        #expect(operation.phase == .holding && operation.takeover == takeover)
        #expect(operation.pins("VI_1") && !operation.pins("VI_9") && operation.watchesGratuitousARP)
        // A later advert (the peer keeps advertising) is no second takeover.
        #expect(operation.advertHeard(for: "VI_1", from: Self.peer, priority: 100, now: at + .seconds(1)) == .nothing)
        #expect(operation.takeover == takeover)
    }

    @Test("handover: the deadline with no takeover fails the operation, and the members are no longer pinned")
    func handoverDeadline() {
        var operation = Self.drill()
        let verdict = Operation.Verdict.noTakeover(within: .milliseconds(1500))
        #expect(operation.deadlinePassed(now: Self.start + .milliseconds(1500)) == .finished(verdict))
        #expect(operation.phase == .finished(verdict) && operation.isFinished && !verdict.passed)
        #expect(verdict.description == "no backup took over within 1.5 s; this node took the VIP back")
        #expect(!operation.pins("VI_1") && !operation.watchesGratuitousARP)
        #expect(operation.drillReport(now: Self.start + .seconds(2)).takenBackSeconds == 1.5)
    }

    @Test("holding with preempt: the hold's end starts the return leg with its own deadline and lifts the pins")
    func holdingToReturning() {
        var operation = Self.holding()
        let end = Self.start + .milliseconds(3400)
        #expect(operation.deadlinePassed(now: end) == .returning(deadline: end + .seconds(10)))
        #expect(operation.phase == .returning(since: end))
        #expect(!operation.pins("VI_1") && !operation.watchesGratuitousARP && !operation.isFinished)
    }

    @Test("holding with nopreempt: the hold's end passes the drill, staying Backup")
    func holdingNopreempt() {
        var operation = Self.holding(preempt: false)
        #expect(operation.deadlinePassed(now: Self.start + .milliseconds(3400)) == .finished(.staysBackup))
        #expect(operation.verdict?.description == "stays BACKUP: nopreempt" && operation.verdict?.passed == true)
        #expect(!operation.pins("VI_1"))
        #expect(operation.drillReport(now: Self.start + .seconds(4)).returnMode == "nopreempt")
    }

    @Test("returning: every member Master again passes the drill, timed from the hold's end")
    func returningPasses() {
        var operation = Self.returning()
        let verdict = Operation.Verdict.tookBack(in: .milliseconds(3500))
        #expect(operation.everyMemberIsMaster(now: Self.start + .milliseconds(6900)) == .finished(verdict))
        #expect(operation.verdict == verdict && verdict.passed)
        #expect(verdict.description == "took the VIP back (preempt) in 3.500 s")
        let report = operation.drillReport(now: Self.start + .seconds(8))
        #expect(report.result == .passed && report.returnSeconds == 3.5 && report.returnMode == "preempt")
        #expect(report.newMaster == "10.250.1.12" && report.firstAdvertSeconds == 0.4 && report.holdSeconds == 3)
    }

    @Test("only the return leg ends when every member is Master: before it, it is the node's own business")
    func masterBeforeReturning() {
        var handover = Self.drill()
        #expect(handover.everyMemberIsMaster(now: Self.start) == .nothing && handover.phase == .handover)
        var holding = Self.holding()
        #expect(holding.everyMemberIsMaster(now: Self.start + .seconds(1)) == .nothing && holding.phase == .holding)
    }

    @Test("returning: the deadline with the members not Master fails the drill")
    func returningDeadline() {
        var operation = Self.returning()
        #expect(operation.deadlinePassed(now: Self.start + .milliseconds(13400)) == .finished(.notTakenBack(within: .seconds(10))))
        #expect(operation.verdict?.description == "did not take the VIP back within 10 s" && operation.verdict?.passed == false)
        #expect(operation.drillReport(now: Self.start + .seconds(14)).result == .failed)
    }

    @Test("maintenance: the takeover ends the hand-over at once; it never watches gratuitous ARP")
    func maintenanceHandedOver() {
        var operation = Self.maintenance()
        #expect(!operation.watchesGratuitousARP && operation.pins("VI_1"))
        let at = Self.start + .milliseconds(300)
        let takeover = Operation.Takeover(master: Self.peer, at: at)
        #expect(operation.advertHeard(for: "VI_1", from: Self.peer, priority: 100, now: at) == .finished(.handedOver(takeover)))
        #expect(operation.verdict?.passed == true && !operation.pins("VI_1"))
    }

    @Test("a reload that keeps every member changes nothing; one that restarts a member ends the operation")
    func interruption() {
        var operation = Self.drill(members: ["VI_1", "VI_2"])
        #expect(operation.reloaded(keeping: ["VI_1", "VI_2", "VI_3"]) == .nothing && operation.phase == .handover)
        let verdict = Operation.Verdict.interrupted(restarted: ["VI_2"])
        #expect(operation.reloaded(keeping: ["VI_1"]) == .finished(verdict))
        #expect(operation.verdict == verdict && !verdict.passed)
        #expect(verdict.description == "interrupted by a reload that restarted VI_2")
    }

    @Test("the addresses gone and the gratuitous ARP are recorded once, while the operation runs (the ARP only while a drill watches)")
    func observations() {
        var operation = Self.drill()
        operation.addressesGone(now: Self.start + .milliseconds(20))
        operation.addressesGone(now: Self.start + .milliseconds(900))
        #expect(operation.addressesGoneAt == Self.start + .milliseconds(20))
        #expect(!operation.gratuitousARPSeen)
        operation.gratuitousARPHeard(now: Self.start + .seconds(1))
        #expect(operation.gratuitousARPSeen)
        #expect(operation.drillReport(now: Self.start + .seconds(1)).addressesGoneSeconds == 0.02)

        var maintenance = Self.maintenance()
        maintenance.gratuitousARPHeard(now: Self.start + .seconds(1))
        #expect(!maintenance.gratuitousARPSeen)
        var returning = Self.returning()
        returning.gratuitousARPHeard(now: Self.start + .seconds(1))
        #expect(!returning.gratuitousARPSeen)
    }

    @Test("a finished operation ignores every further input")
    func finishedIgnoresInputs() {
        var operation = Self.drill()
        _ = operation.deadlinePassed(now: Self.start + .seconds(2))
        let finished = operation
        let later = Self.start + .seconds(5)
        #expect(operation.advertHeard(for: "VI_1", from: Self.peer, priority: 100, now: later) == .nothing)
        #expect(operation.deadlinePassed(now: later) == .nothing)
        #expect(operation.everyMemberIsMaster(now: later) == .nothing)
        #expect(operation.reloaded(keeping: []) == .nothing)
        operation.addressesGone(now: later)
        operation.gratuitousARPHeard(now: Self.start + .seconds(1))
        #expect(operation == finished)
        #expect(operation.addressesGoneAt == nil && !operation.gratuitousARPSeen && operation.takeover == nil)
    }
}
