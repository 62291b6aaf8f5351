import VRRP

extension Node {
    /// At most this many events per `drive` (failures raising failures), so a bug cannot loop
    /// forever.
    public static let eventLimit = 10_000

    /// The one pump between the node and whatever carries out its effects: the daemon, the
    /// simulator and the tests' harness all drive the node through it, so all three run the
    /// same glue. The event is handled; its effects are carried out in order by `execute`,
    /// which returns the events their failures raise; after effects that change addresses the
    /// devices' addresses are read back (`readAddresses`, by ifindex), so the node sees what
    /// the kernel really did. Those events are handled next, in order.
    /// - Returns: how many events were handled.
    @discardableResult
    public mutating func drive(_ event: NodeEvent, now: Instant, execute: (_ effects: [NodeEffect]) -> [NodeEvent],
                               readAddresses: () -> [Int32: [HostAddress]]) -> Int {
        var queue = [event]
        var handled = 0
        while !queue.isEmpty && handled < Self.eventLimit {
            let next = queue.removeFirst()
            handled += 1
            let effects = handle(next, now: now)
            queue += execute(effects)
            if effects.contains(where: \.changesAddresses) {
                let present = readAddresses()
                queue += addressDevices.map { .addresses(interfaceIndex: $0, present: present[$0] ?? []) }
            }
        }
        return handled
    }

    /// Every device a virtual address lives on, by ifindex, in order.
    public var addressDevices: [Int32] {
        Set(configuration.instances.flatMap { $0.virtualAddresses.map(\.device.index) }).sorted()
    }
}
