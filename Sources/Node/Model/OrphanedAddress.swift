import VRRP

/// A virtual address of an instance that no longer exists (a reload dropped or restarted it)
/// whose removal netlink refused. No instance owns it any more, so the node keeps it here:
/// logged once, counted, removed again every `Node.addressRetryInterval` until the kernel
/// shows it gone, and shown in `status` (`pendingRemovals`) meanwhile — never left answering
/// for a VIP on a node that does not hold it, without a word.
struct OrphanedAddress: Hashable, Sendable {
    /// The change that failed, with the id and name of the instance that held the address.
    var change: AddressChange
    /// Refused removals so far.
    var failures: Int
    var lastError: String
    var since: Instant

    var binding: VirtualAddressBinding { change.binding }
}
