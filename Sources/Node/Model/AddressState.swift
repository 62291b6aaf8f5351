import VRRP

/// One virtual address of an instance as the kernel has it, by what the node did and what
/// netlink answered and reported since.
struct AddressState: Hashable, Sendable {
    var binding: VirtualAddressBinding
    var phase: AddressPhase = .absent
    /// Announcement frames (gratuitous ARP / unsolicited neighbour advertisement rounds,
    /// RFC 5798 §8.1.2 / §8.2.2) that could not be sent, since the instance started.
    var announceFailures = 0
    /// Lease renewals netlink refused (`NodeEffect.renewAddress`).
    var renewFailures = 0
    /// When another form of the address (another prefix or label) was last removed: tried
    /// once per instant, never a loop.
    var strayRemovalAt: Instant?

    init(binding: VirtualAddressBinding) {
        self.binding = binding
    }

    /// On its device, because this instance put it there and nothing since says otherwise.
    var isHeld: Bool {
        if case .held = phase { return true }
        return false
    }

    /// Released and not yet seen gone: every form of the address on the device goes.
    var isReleasing: Bool {
        switch phase {
        case .releasing, .removeRefused: return true
        case .absent, .foreign, .adding, .held, .addRefused: return false
        }
    }

    /// A removal netlink refused: the address may still be on its device; retried.
    var isRemovalRefused: Bool {
        if case .removeRefused = phase { return true }
        return false
    }

    /// The refusals of the change the node is retrying, if it is retrying one.
    var refusals: AddressRefusals? {
        switch phase {
        case .addRefused(let refusals), .removeRefused(let refusals): return refusals
        case .absent, .foreign, .adding, .held, .releasing: return nil
        }
    }

    /// Gratuitous ARP / neighbour advertisement rounds still due for a held address.
    var announcementsDue: Int {
        if case .held(let holding) = phase { return holding.announcementsDue }
        return 0
    }
}

/// Where one virtual address stands: each case is a legal state, and what only one state
/// has (a retry's refusals, a pending announcement) lives in that case.
enum AddressPhase: Hashable, Sendable {
    /// Not on its device as far as the node knows, and not wanted there (a Backup's).
    case absent
    /// Present although this instance does not hold it: another router or process added it.
    /// Reported once; the node leaves it alone.
    case foreign
    /// Wanted (the instance is Master): the add went out, and the kernel has not shown the
    /// address yet (the runtime reads the addresses back right after). Announced once shown.
    case adding(AddressAdding)
    /// Wanted and on its device: the kernel showed it.
    case held(AddressHolding)
    /// Wanted, but netlink refused to add it: not held, retried every second.
    case addRefused(AddressRefusals)
    /// Released (or left by an earlier run): every form of it on the device goes, until the
    /// kernel shows none.
    case releasing
    /// Released, but netlink refused the removal: it may still be on its device; retried.
    case removeRefused(AddressRefusals)
}

/// An add on its way: when it went out, and the announcement rounds owed once the kernel
/// shows the address.
struct AddressAdding: Hashable, Sendable {
    /// A kernel that still does not show the address at this same instant makes it a failed
    /// add (retried every second), never a loop of adds.
    var since: Instant
    var announcementsOwed = 0
}

/// A held address's own bookkeeping.
struct AddressHolding: Hashable, Sendable {
    /// Gratuitous ARP / unsolicited NA rounds still to send (one frame each), paced by the
    /// instance's announcement timer.
    var announcementsDue = 0
}

/// Netlink refused a change: how many times in a row, and the last reason.
struct AddressRefusals: Hashable, Sendable {
    var count: Int
    var lastError: String
}
