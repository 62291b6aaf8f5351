import Testing
import VRRP
@testable import Agent

@Suite("timer table")
struct TimerTableTests {
    @Test("a reload renumbers instances: timers follow their instance, a stopped instance's timers go")
    func remap() {
        var timers = TimerTable()
        timers.set(instance: 0, token: TimerToken(kind: .advertisement, generation: 1), deadline: .seconds(1))
        timers.set(instance: 1, token: TimerToken(kind: .masterDown, generation: 2), deadline: .seconds(2))
        timers.set(instance: 2, token: TimerToken(kind: .advertisement, generation: 3), deadline: .seconds(3))
        // Instance 0 stopped; 1 is now 0, 2 is now 1.
        timers.remap([1: 0, 2: 1])
        let due = timers.popDue(at: .seconds(10))
        #expect(due.map(\.instance) == [0, 1])
        #expect(due.map(\.token.generation) == [2, 3])
        #expect(timers.nextDeadline == nil)
    }

    @Test("one timer per instance and kind; the earliest fires first")
    func ordering() {
        var timers = TimerTable()
        timers.set(instance: 0, token: TimerToken(kind: .masterDown, generation: 1), deadline: .seconds(5))
        timers.set(instance: 0, token: TimerToken(kind: .masterDown, generation: 2), deadline: .seconds(4))
        timers.set(instance: 1, token: TimerToken(kind: .advertisement, generation: 1), deadline: .seconds(3))
        #expect(timers.nextDeadline == .seconds(3))
        #expect(timers.popDue(at: .seconds(3.5)).map(\.instance) == [1])
        let rest = timers.popDue(at: .seconds(9))
        #expect(rest.map(\.token.generation) == [2])
    }
}
