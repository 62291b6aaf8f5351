/// Effects a `VirtualRouter` asks the runtime to perform, in order.
public enum RouterAction: Hashable, Sendable {
    /// Send this advertisement (multicast, or to each unicast peer).
    case sendAdvertisement(Advertisement)
    /// Add every configured virtual address to its interface.
    case addVirtualAddresses
    /// Remove every configured virtual address.
    case removeVirtualAddresses
    /// Send `count` gratuitous ARPs for every virtual address (§8.2).
    case sendGratuitousARP(count: Int)
    /// Arm (or re-arm) the timer of `token.kind` to fire at `deadline`.
    case setTimer(TimerToken, deadline: Instant)
    /// Disarm the timer of this kind.
    case cancelTimer(TimerKind)
    /// The state changed; log it, update status, run notify scripts.
    case stateChanged(from: RouterState, to: RouterState, reason: TransitionReason)
    /// As Master, heard another Master's advert with a lower priority (or the same priority
    /// from a lower address) and answered it (at most once per advert interval): keepalived's
    /// `MASTER_RX_LOWER_PRI` notify.
    case heardLowerPriority(source: IPAddress, priority: UInt8)
    /// A make-before-break release ended (`PendingRelease`); `removeVirtualAddresses` came
    /// just before.
    case handoverEnded(HandoverEnd)
}
