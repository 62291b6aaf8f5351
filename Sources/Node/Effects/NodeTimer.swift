import VRRP

/// A timer the node asks the executor to arm. Arming a timer replaces the one armed in the
/// same `slot`; when it fires the executor hands the very same value back.
public enum NodeTimer: Hashable, Sendable {
    /// A virtual router's timer (§6.2 and the gratuitous ARP timers).
    case router(InstanceID, TimerToken)
    /// A check is due to run.
    case check(CheckID)
    /// Retry the virtual-address changes netlink refused.
    case addressRetry(InstanceID)
    /// The deadline of a drill's or maintenance hand-over's current phase.
    case operation(UInt64)
    /// Open the raw VRRP sockets that could not be opened (`NodeEffect.bindTransports`).
    case transportRetry
    /// Remove again the addresses of removed instances that netlink would not remove.
    case orphanRetry
    /// The next round of an instance's gratuitous ARP / neighbour advertisement bursts.
    case announcement(InstanceID)
    /// `vrrp_startup_delay` is over: the instances start.
    case startupDelay
    /// Apply again the drop rules nftables refused (`NodeEffect.dropTraffic`).
    case dropRulesRetry
    /// Add or remove again the routes and rules netlink refused (`NodeEffect.addRouting`).
    case routingRetry
    /// Routes or rules changed in the kernel a moment ago: add again what this node has
    /// installed (a deleted one comes back; the rest are present, which is no error).
    case routingCheck
    /// A `vrrp_track_process`'s `fork_delay` or `terminate_delay` is over: its quorum is
    /// judged from the count then.
    case processDelay(String)
    /// Ask again for an instance's `use_vmac` macvlan the runtime could not make.
    case virtualMACRetry(InstanceID)
    /// The end of an instance's address drain (`NodeEffect.drainAddress`).
    case addressDrain(InstanceID)

    public var slot: Slot {
        switch self {
        case .router(let instance, let token): return .router(instance, token.kind)
        case .check(let check): return .check(check)
        case .addressRetry(let instance): return .addressRetry(instance)
        case .operation: return .operation
        case .transportRetry: return .transportRetry
        case .orphanRetry: return .orphanRetry
        case .announcement(let instance): return .announcement(instance)
        case .startupDelay: return .startupDelay
        case .dropRulesRetry: return .dropRulesRetry
        case .routingRetry: return .routingRetry
        case .routingCheck: return .routingCheck
        case .processDelay(let name): return .processDelay(name)
        case .virtualMACRetry(let instance): return .virtualMACRetry(instance)
        case .addressDrain(let instance): return .addressDrain(instance)
        }
    }

    /// At most one timer is armed per slot.
    public enum Slot: Hashable, Sendable {
        case router(InstanceID, TimerKind)
        case check(CheckID)
        case addressRetry(InstanceID)
        case operation
        case transportRetry
        case orphanRetry
        case announcement(InstanceID)
        case startupDelay
        case dropRulesRetry
        case routingRetry
        case routingCheck
        case processDelay(String)
        case virtualMACRetry(InstanceID)
        case addressDrain(InstanceID)
    }
}
