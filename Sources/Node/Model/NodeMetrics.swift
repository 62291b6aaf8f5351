import ControlProtocol
import VRRP

/// What the node shows the metrics exporter at one instant, as typed values: states as
/// `RouterState`, drops by `DropCounter`, addresses as their bindings, ages as durations. The
/// exporter chooses the metric names, labels and numbers; `vipkeeper status` takes the values
/// the two share from here too (`Node.metricsSnapshot(now:)`).
public struct NodeMetrics: Hashable, Sendable {
    public var instances: [InstanceMetrics]
    public var checks: [CheckMetrics]
    /// The drill running now, or the last one; nil before the first.
    public var lastDrill: DrillMetrics?
    /// The e-mail alerts' counts; nil when no alert can be sent.
    public var mail: StatusReport.Mail?

    public init(instances: [InstanceMetrics], checks: [CheckMetrics], lastDrill: DrillMetrics?, mail: StatusReport.Mail? = nil) {
        self.mail = mail
        self.instances = instances
        self.checks = checks
        self.lastDrill = lastDrill
    }
}

/// One `vrrp_instance` at one instant.
public struct InstanceMetrics: Hashable, Sendable {
    /// The instance's last change of state, and how long ago it was.
    public struct LastTransition: Hashable, Sendable {
        public var from: RouterState
        public var to: RouterState
        public var reason: TransitionReason
        public var ago: Duration

        public init(from: RouterState, to: RouterState, reason: TransitionReason, ago: Duration) {
            self.from = from
            self.to = to
            self.reason = reason
            self.ago = ago
        }
    }

    public var name: String
    public var interface: Device
    public var virtualRouterID: UInt8
    public var state: RouterState
    /// Effective priority: the configured one plus tracker weights.
    public var priority: UInt8
    /// The configured priority.
    public var basePriority: UInt8
    /// `virtual_ipaddress`: the addresses the adverts carry.
    public var virtualAddresses: [VirtualAddressBinding]
    /// `virtual_ipaddress_excluded`: held with the instance, not in the adverts.
    public var excludedAddresses: [VirtualAddressBinding]
    /// `garp_master_delay`: after becoming Master, the wait before the second burst of
    /// gratuitous ARP / unsolicited neighbour advertisements.
    public var gratuitousARPDelay: Duration
    /// Every virtual address is on its device, as far as the node knows.
    public var holdsEveryAddress: Bool
    public var inMaintenance: Bool
    /// nil until the instance first changes state.
    public var lastTransition: LastTransition?
    public var counters: InstanceCounters
    /// The last make-before-break release: from the priority-0 advert to the release.
    public var lastHandoverWait: Duration?

    public init(name: String, interface: Device, virtualRouterID: UInt8, state: RouterState, priority: UInt8, basePriority: UInt8,
                virtualAddresses: [VirtualAddressBinding], excludedAddresses: [VirtualAddressBinding] = [],
                gratuitousARPDelay: Duration = .seconds(5), holdsEveryAddress: Bool, inMaintenance: Bool,
                lastTransition: LastTransition?, counters: InstanceCounters) {
        self.name = name
        self.interface = interface
        self.virtualRouterID = virtualRouterID
        self.state = state
        self.priority = priority
        self.basePriority = basePriority
        self.virtualAddresses = virtualAddresses
        self.excludedAddresses = excludedAddresses
        self.gratuitousARPDelay = gratuitousARPDelay
        self.holdsEveryAddress = holdsEveryAddress
        self.inMaintenance = inMaintenance
        self.lastTransition = lastTransition
        self.counters = counters
    }
}

/// One check's rise/fall verdict and how long its runs took.
public struct CheckMetrics: Hashable, Sendable {
    public var name: String
    public var isUp: Bool
    /// A run is in flight (keepalived's script state "running"; otherwise "idle").
    public var isRunning: Bool
    /// Every finished run's duration since the check was configured.
    public var durations: DurationHistogram

    public init(name: String, isUp: Bool, isRunning: Bool = false, durations: DurationHistogram = DurationHistogram()) {
        self.name = name
        self.isUp = isUp
        self.isRunning = isRunning
        self.durations = durations
    }
}

/// A drill (running or finished).
public struct DrillMetrics: Hashable, Sendable {
    /// The instance or sync group drilled.
    public var target: String
    public var result: DrillReport.Result
    /// From the priority-0 advert to the new Master's first advert; nil until one was heard.
    public var handover: Duration?
    /// From the new Master's first advert until this node's VIPs were gone (`DrillReport`).
    public var overlapSeconds: Double?
    /// From this node's VIPs gone until the new Master's gratuitous ARP, when it came later.
    public var gapSeconds: Double?

    public init(target: String, result: DrillReport.Result, handover: Duration?) {
        self.target = target
        self.result = result
        self.handover = handover
    }
}
