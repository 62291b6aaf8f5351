import VRRP

/// `vrrp_instance NAME { ... }`.
public struct InstanceDefinition: Hashable, Sendable {
    public enum InitialState: String, Hashable, Sendable {
        case master = "MASTER"
        case backup = "BACKUP"
    }

    public var name: String
    public var location: SourceLocation
    public var initialState = InitialState.backup
    public var interface: String?
    public var virtualRouterID: UInt8?
    public var priority: UInt8 = 100
    public var priorityLocation: SourceLocation?
    /// `version 2|3` in the instance, else `vrrp_version` in global_defs; after validation
    /// always set (an IPv6 instance without either is version 3, as in keepalived).
    public var version: VRRPVersion?
    public var versionLocation: SourceLocation?
    /// `advert_int`: whole seconds in v2; 0.01 to 40.95 s in 10 ms steps in v3.
    public var advertisementInterval = AdvertisementInterval.oneSecond
    public var advertisementIntervalLocation: SourceLocation?
    public var preempt = true
    public var nopreemptLocation: SourceLocation?
    public var preemptDelay: Duration = .zero
    public var preemptDelayLocation: SourceLocation?
    /// vipkeeper extension: take over at once on hearing a lower priority from the Master.
    public var fastPreempt = false
    /// `down_timer_adverts` (1–100): adverts missed before the Master is down; nil is
    /// `vrrp_down_timer_adverts`, else RFC 5798 §6.1's 3.
    public var downTimerAdverts: Int?
    /// `dont_track_primary`: the instance's own interface going down is no FAULT (keepalived
    /// "ignores ifp faults"); an interface that is gone still is.
    public var dontTrackPrimary = false
    /// `skip_check_adv_addr` (or `vrrp_skip_check_adv_addr` in global_defs): the address list
    /// of an advert is checked only when it comes from a new Master (keepalived).
    public var skipAddressListCheck: Bool?
    /// `accept` (true) / `no_accept` (false): RFC 5798 §6.1 Accept_Mode, which keepalived
    /// extends to VRRPv2. Unset, validation resolves it as keepalived does: on, except under
    /// `vrrp_strict` for an instance that is not the address owner.
    public var acceptMode: Bool?
    public var acceptModeLocation: SourceLocation?
    public var authentication = Authentication.none
    public var authenticationLocation: SourceLocation?
    public var multicastSourceAddress: IPAddress?
    public var unicastSourceAddress: IPAddress?
    public var unicastPeers: [IPAddress] = []
    /// Where `mcast_src_ip`, `unicast_src_ip` and each `unicast_peer` were written.
    public var sourceAddressLocation: SourceLocation?
    public var unicastPeerLocations: [SourceLocation] = []
    /// `unicast_peer { IP min_ttl N max_ttl N }`: the peers written with a TTL range (keepalived
    /// then checks unicast sources for the whole instance, as with `check_unicast_src`).
    public var unicastPeerTTLRanges: [IPAddress: TTLRange] = [:]
    /// `check_unicast_src`: drop unicast adverts whose source is not a `unicast_peer`.
    public var checkUnicastSource = false
    /// `unicast_ttl N`: the TTL / Hop Limit unicast adverts are sent with (keepalived: 255 for
    /// IPv4; nil here means the socket's 255).
    public var unicastTTL: UInt8?
    public var unicastTTLLocation: SourceLocation?
    /// `vip_lease SECONDS` (vipkeeper extension): the kernel lifetime (valid_lft) the Master
    /// gives its virtual addresses and renews with every advert, so the addresses of a daemon
    /// that was killed or stopped expire on their own. Unset: addresses on a device with no
    /// segment (loopback, dummy: the routed mode, announced by the node's BGP daemon) get
    /// 4 × advert_int; the others none. 0: none.
    public var addressLease: Int?
    public var addressLeaseLocation: SourceLocation?
    /// `virtual_ipaddress`: carried in adverts (§5.2.9), one family.
    public var virtualAddresses: [VirtualAddress] = []
    /// `virtual_ipaddress_excluded`: held and released with the instance, announced like the
    /// others, but not carried in adverts, so they may be of either family (keepalived's way
    /// to give a VRRPv2 instance an IPv6 address) and more than 255.
    public var excludedAddresses: [VirtualAddress] = []
    /// `virtual_routes`: added after the addresses when the instance becomes Master, removed
    /// before them when it leaves (keepalived's vrrp_state_become_master / leave_master).
    public var virtualRoutes: [VirtualRoute] = []
    /// `virtual_rules`: added after the routes, removed before them.
    public var virtualRules: [VirtualRule] = []
    public var trackedInterfaces: [TrackedInterface] = []
    public var trackedChecks: [TrackedCheck] = []
    /// `track_file { NAME [weight N [reverse]] }`: the same shape as `track_script`.
    public var trackedFiles: [TrackedCheck] = []
    /// `track_process { NAME [weight N [reverse|noreverse]] }`.
    public var trackedProcesses: [TrackedProcess] = []
    public var notify = NotifyCommands()
    /// `notify_priority_changes [BOOL]`: nil takes the sync group's, then the global
    /// `vrrp_notify_priority_changes`.
    public var notifyPriorityChanges: Bool?
    /// `smtp_alert [BOOL]`: mail on each state change (nil: the global default,
    /// `MailDefinition.alerts(own:)`).
    public var smtpAlert: Bool?
    /// The instance's gratuitous ARP policy (global defaults with instance overrides).
    public var gratuitousARP: GratuitousARPPolicy?
    public var virtualRouterIDLocation: SourceLocation?
    public var virtualAddressesLocation: SourceLocation?
    /// `use_vmac [NAME]` (with `vmac_xmit_base`): the instance's macvlan with the virtual
    /// router MAC; after validation its name is always set.
    public var virtualMAC: VirtualMACSetting?
    /// Where `vmac_xmit_base` was written (validation folds it into `virtualMAC`).
    public var sendsOnBaseLocation: SourceLocation?

    public init(name: String, location: SourceLocation) {
        self.name = name
        self.location = location
    }

    public var usesUnicast: Bool { !unicastPeers.isEmpty }

    /// Every address the instance holds as Master: advertised, then excluded.
    public var heldAddresses: [VirtualAddress] { virtualAddresses + excludedAddresses }

    /// The routes, then the rules, the instance installs as Master (in the order they are
    /// added; removed in the reverse order of kinds: rules first).
    public var routing: [RoutingEntry] { virtualRoutes.map(RoutingEntry.route) + virtualRules.map(RoutingEntry.rule) }

    /// RFC 5798 §1: the family of the instance, that of its virtual addresses (validation
    /// makes them one family); without any, that of its source or peer addresses, as keepalived
    /// takes it; IPv4 when nothing says.
    public var family: AddressFamily {
        (virtualAddresses.first?.address ?? unicastSourceAddress ?? multicastSourceAddress ?? unicastPeers.first)?.family ?? .ipv4
    }

    /// Whether, as Master, the instance drops traffic addressed to its virtual addresses
    /// (RFC 5798 §6.4.3: without Accept_Mode a non-owner "MUST NOT accept packets addressed
    /// to the IPvX address(es) associated with the virtual router"). The address owner
    /// (priority 255) always accepts, as in keepalived.
    public var dropsTrafficToAddresses: Bool { priority != 255 && acceptMode == false }

    /// The version the instance speaks (v2 until validation has resolved it).
    public var resolvedVersion: VRRPVersion { version ?? .v2 }
}

/// One `virtual_ipaddress` entry: `IP[/PREFIX] [brd IP] [dev IF] [scope SCOPE] [label LABEL]`,
/// IPv4 or IPv6.
public struct VirtualAddress: Hashable, Sendable, CustomStringConvertible {
    public var address: IPAddress
    /// Defaults to the whole address (/32 or /128), as in keepalived.
    public var prefixLength: Int
    /// IPv4 only.
    public var broadcast: IPv4Address?
    public var device: String?
    public var scope: String?
    public var label: String?
    public var location: SourceLocation

    public init(address: IPAddress, location: SourceLocation) {
        self.address = address
        self.prefixLength = address.maximumPrefixLength
        self.location = location
    }

    public var description: String { "\(address)/\(prefixLength)" }
}

/// A `track_interface` entry.
public struct TrackedInterface: Hashable, Sendable {
    public var name: String
    public var weight: TrackerWeight
    public var location: SourceLocation

    public init(name: String, weight: TrackerWeight, location: SourceLocation) {
        self.name = name
        self.weight = weight
        self.location = location
    }
}

/// A `track_script` entry; `weight` here overrides the check's own.
public struct TrackedCheck: Hashable, Sendable {
    public var name: String
    public var weightOverride: TrackerWeight?
    public var location: SourceLocation

    public init(name: String, weightOverride: TrackerWeight?, location: SourceLocation) {
        self.name = name
        self.weightOverride = weightOverride
        self.location = location
    }
}

/// `notify_master`, `notify_backup`, `notify_fault`, `notify_stop`, `notify_deleted`, `notify`,
/// each with the user it runs as.
public struct NotifyCommands: Hashable, Sendable {
    public var master: NotifyScript?
    public var backup: NotifyScript?
    public var fault: NotifyScript?
    public var stop: NotifyScript?
    /// `notify_deleted [SCRIPT]` (instances): an instance a reload removes notifies DELETED
    /// (and runs SCRIPT); without it keepalived notifies FAULT, unless it was in FAULT.
    public var reportsDeletion = false
    public var deleted: NotifyScript?
    /// Called with INSTANCE|GROUP, NAME, STATE, PRIORITY, as keepalived does.
    public var generic: NotifyScript?
    /// `notify_master_rx_lower_pri` (instances): run, with no arguments, each time a Master
    /// hears a lower-priority Master's advert (keepalived's `send_event_notify`): the hook
    /// for taking back a cloud secondary address the other node took during a split.
    public var masterReceivedLowerPriority: NotifyScript?

    public init() {}

    /// Every script written, in keyword order.
    public var all: [NotifyScript] { [master, backup, fault, stop, deleted, generic, masterReceivedLowerPriority].compactMap { $0 } }
}
