@testable import VRRP

/// Reference wrapper so tests can write `#expect(driver.handle(...) == [...])`
/// (the expectation macro cannot call mutating methods on a local value).
@dynamicMemberLookup
final class RouterDriver {
    var router: VirtualRouter

    init(_ configuration: RouterConfiguration) {
        router = VirtualRouter(configuration: configuration)
    }

    func handle(_ event: RouterEvent, now: Instant) -> [RouterAction] {
        router.handle(event, now: now)
    }

    func preemptionAllowed(at now: Instant) -> Bool {
        router.preemptionAllowed(at: now)
    }

    subscript<T>(dynamicMember keyPath: KeyPath<VirtualRouter, T>) -> T {
        router[keyPath: keyPath]
    }
}

/// The same for any mutating value under test.
final class Box<Value> {
    var value: Value
    init(_ value: Value) { self.value = value }
}

extension Box where Value == CheckResultCounter {
    func record(success: Bool) -> Bool { value.record(success: success) }
    var isUp: Bool { value.isUp }
}

extension Box where Value == TrackerSet {
    func set(_ object: TrackedObject, isUp: Bool) -> Bool { value.set(object, isUp: isUp) }
}
