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
    /// `virtual_routes`, then `virtual_rules` (source positions cleared): what the instance
    /// installs as Master. Not part of `definition`, so a reload that changes only these
    /// keeps the instance running and changes just the routes and rules that differ.
    public var routing: [RoutingEntry]
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
    /// `use_vmac`: the macvlan with the virtual router MAC its addresses (and, without
    /// `vmac_xmit_base`, its adverts) live on.
    public var virtualMAC: BoundVirtualMAC?

    public init(definition: InstanceDefinition, router: RouterConfiguration, interface: Device, destinations: [IPAddress],
                source: IPAddress, virtualAddresses: [VirtualAddressBinding], trackers: TrackerSet,
                multicastGroup: IPAddress?, notify: BoundNotifyCommands = BoundNotifyCommands(), notifyPriorityChanges: Bool = false) {
        var settings = definition.settings
        routing = settings.routing.map(\.unplaced)
        settings.virtualRoutes = []
        settings.virtualRules = []
        self.definition = settings
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

    /// The device adverts leave from and arrive on: the `use_vmac` macvlan (keepalived sends
    /// and receives there, so adverts carry the virtual router MAC as their source, RFC 3768
    /// §7.3, and a Backup's private macvlan hears a Master with the same MAC), or the
    /// instance's interface (no `use_vmac`, or `vmac_xmit_base`).
    public var wire: Device {
        guard let virtualMAC, !virtualMAC.sendsOnBase else { return interface }
        return virtualMAC.device
    }

    /// The socket the instance speaks on: its wire device and family.
    public var transportKey: TransportKey { TransportKey(interfaceIndex: wire.index, family: family) }

    /// The one definition of "this instance runs the same" (a SIGHUP keeps such an instance
    /// untouched: state, timers, counters, no advert out of turn): its settings, its router's
    /// protocol settings, its binding to this machine (interface, source, peers, address
    /// devices) and its trackers' objects and weights are all equal; its routes and rules
    /// may differ (a reload changes those that do, `Node.reload`). What its checks run is
    /// not part of it: a changed check is a new check whose verdict the trackers follow
    /// (`BoundCheck`).
    public func runsSame(as other: BoundInstance) -> Bool {
        var mine = self, theirs = other
        mine.routing = []
        theirs.routing = []
        return mine == theirs
    }
}
