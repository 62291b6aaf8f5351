import Config
import VRRP

/// A `vrrp_instance` bound to this machine: the router's protocol settings, the interface it
/// speaks on, where its adverts go and come from, and the devices of its virtual addresses.
public struct BoundInstance: Hashable, Sendable {
    /// The definition with every source position cleared.
    public var definition: InstanceDefinition
    public var router: RouterConfiguration
    public var interface: Device
    /// Where adverts go: the multicast group, or each unicast peer.
    public var destinations: [IPAddress]
    /// The source address of adverts (§5.2.1, or `mcast_src_ip` / `unicast_src_ip`).
    public var source: IPAddress
    /// Every address the instance holds as Master (`virtual_ipaddress`, then
    /// `virtual_ipaddress_excluded`) and its device.
    public var virtualAddresses: [VirtualAddressBinding]
    /// The trackers as they start: checks, the own interface, `track_interface`.
    public var trackers: TrackerSet
    public var notify: BoundNotifyCommands
    /// `notify_priority_changes` (else the sync group's, else `vrrp_notify_priority_changes`):
    /// a change of the effective priority is written to the notify FIFOs.
    public var notifyPriorityChanges: Bool
    /// `smtp_alert` with keepalived's defaults applied: mail on each state change.
    public var smtpAlert = false
    /// The multicast group the interface's socket joins; nil for unicast.
    public var multicastGroup: IPAddress?

    public init(definition: InstanceDefinition, router: RouterConfiguration, interface: Device, destinations: [IPAddress],
                source: IPAddress, virtualAddresses: [VirtualAddressBinding], trackers: TrackerSet,
                multicastGroup: IPAddress?, notify: BoundNotifyCommands = BoundNotifyCommands(), notifyPriorityChanges: Bool = false) {
        self.definition = definition.settings
        self.router = router
        self.interface = interface
        self.destinations = destinations
        self.source = source
        self.virtualAddresses = virtualAddresses
        self.trackers = trackers
        self.notify = notify
        self.notifyPriorityChanges = notifyPriorityChanges
        self.multicastGroup = multicastGroup
    }

    public var name: String { definition.name }

    /// RFC 5798 §1: the instance's family (that of its router).
    public var family: AddressFamily { router.family }

    /// The socket the instance speaks on: its interface and family.
    public var transportKey: TransportKey { TransportKey(interfaceIndex: interface.index, family: family) }

    /// The one definition of "this instance runs the same" (a SIGHUP keeps such an instance
    /// untouched: state, timers, counters, no advert out of turn): its settings, its router's
    /// protocol settings, its binding to this machine (interface, source, peers, address
    /// devices) and its trackers' objects and weights are all equal. What its checks run is
    /// not part of it: a changed check is a new check whose verdict the trackers follow
    /// (`BoundCheck`).
    public func runsSame(as other: BoundInstance) -> Bool {
        self == other
    }
}
