import VRRP

/// One virtual address of an instance as the kernel has it, by what the node did and what
/// netlink answered and reported since.
struct AddressState: Hashable, Sendable {
    var binding: VirtualAddressBinding
    /// On its device, because this instance put it there and nothing since says otherwise.
    var held = false
    /// A removal netlink refused: the address may still be on its device; retried.
    var pendingRemoval = false
    /// Netlink refused a change: how many times in a row, and the last reason. Cleared when
    /// the address is as wanted again.
    var failures = 0
    var lastError: String?
    /// Announcements (gratuitous ARP / neighbour advertisement bursts) with a frame that could
    /// not be sent, since the instance started.
    var announceFailures = 0
    /// Present although this instance does not hold it (someone else added it); reported once.
    var foreign = false
    /// When it was last put back after an external delete: a kernel that still does not show
    /// it at that same instant makes it a failed add (retried), never a loop.
    var restoredAt: Instant?
    /// This instance has released it (or removes what an earlier run left): every form of the
    /// address still on the device goes, until none is left.
    var releasing = false
    /// When another form of the address (another prefix or label) was last removed: tried
    /// once per instant, never a loop.
    var strayRemovalAt: Instant?

    init(binding: VirtualAddressBinding) {
        self.binding = binding
    }
}
