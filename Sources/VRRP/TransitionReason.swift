/// Why a virtual router changed state; logged with every transition.
public enum TransitionReason: Hashable, Sendable, CustomStringConvertible {
    /// §6.4.1: startup as a non-owner.
    case startup
    /// §6.4.1: startup (or fault cleared) as the address owner.
    case addressOwner
    /// §6.4.2: the Master_Down_Timer fired: no (or only lower-priority) adverts were heard.
    case masterDown
    /// §6.4.3: an advert with higher priority, or equal priority from a higher address.
    case higherPriority(source: IPAddress, priority: UInt8)
    /// vipkeeper `fast_preempt`: the Master advertised a priority lower than ours.
    case lowerPriorityMaster(source: IPAddress, priority: UInt8)
    /// §6.4.2/§6.4.3: a Shutdown event.
    case shutdown
    /// keepalived FAULT: a weight-0 tracker or a tracked interface is down.
    case fault(FaultCause)
    /// Every fault cleared.
    case faultCleared
    /// keepalived `vrrp_sync_group`: following another member of the group.
    case syncGroup(group: String, member: String)
    /// `vipkeeper drill` or `vipkeeper maintenance`.
    case operatorRequest(String)
    /// A restarted router took over its predecessor's Master at once (`MasterRestart`).
    case resumed(MasterRestart)

    public var description: String {
        switch self {
        case .startup: return "startup"
        case .addressOwner: return "address owner (priority 255)"
        case .masterDown: return "master down timer expired"
        case .higherPriority(let source, let priority): return "higher priority \(priority) advertised by \(source)"
        case .lowerPriorityMaster(let source, let priority): return "fast preemption: master \(source) advertises lower priority \(priority)"
        case .shutdown: return "shutdown"
        case .fault(let reason): return "fault: \(reason)"
        case .faultCleared: return "fault cleared"
        case .syncGroup(let group, let member): return "sync group \(group) follows \(member)"
        case .operatorRequest(let what): return what
        case .resumed(.inPlace): return "resumed the Master of the process it replaced (in-place restart)"
        case .resumed(.successor): return "took over the Master of the process that handed off (systemctl restart)"
        case .resumed(.reload): return "restarted as Master by a reload that changed its configuration"
        }
    }

    /// The reason without its details: a bounded set, for a metric's label.
    public enum Kind: String, CaseIterable, Sendable {
        case startup
        case addressOwner = "address_owner"
        case masterDown = "master_down"
        case higherPriority = "higher_priority"
        case lowerPriorityMaster = "lower_priority_master"
        case shutdown
        case fault
        case faultCleared = "fault_cleared"
        case syncGroup = "sync_group"
        case operatorRequest = "operator"
        case resumed
    }

    public var kind: Kind {
        switch self {
        case .startup: return .startup
        case .addressOwner: return .addressOwner
        case .masterDown: return .masterDown
        case .higherPriority: return .higherPriority
        case .lowerPriorityMaster: return .lowerPriorityMaster
        case .shutdown: return .shutdown
        case .fault: return .fault
        case .faultCleared: return .faultCleared
        case .syncGroup: return .syncGroup
        case .operatorRequest: return .operatorRequest
        case .resumed: return .resumed
        }
    }
}
