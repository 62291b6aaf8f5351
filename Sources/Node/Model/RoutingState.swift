import Config

/// One route or rule of an instance (or of the static set) as the node last asked the
/// kernel for it. Netlink answers in the same turn, so an add that did not come back failed
/// is taken as installed (as `DropRulesState` does with nftables).
struct RoutingState: Hashable, Sendable {
    enum Phase: Hashable, Sendable {
        /// Not installed by this node (never added, removed, or a leftover removed at start).
        case absent
        /// Added, and netlink did not refuse it.
        case installed
        /// Netlink refused the add: retried every `Node.routingRetryInterval`.
        case addRefused
        /// Netlink refused the removal: retried likewise.
        case removeRefused
    }

    var entry: RoutingEntry
    var phase = Phase.absent
    /// The refusals of the current streak (logged once, on the first); nil when the last
    /// change went through.
    var refusals: AddressRefusals?

    init(entry: RoutingEntry) {
        self.entry = entry
    }

    var isRefused: Bool { phase == .addRefused || phase == .removeRefused }
}
