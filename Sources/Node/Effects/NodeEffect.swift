import ControlProtocol
import VRRP

/// What the node asks the runtime to do, in order. Each one that fails comes back as
/// `NodeEvent.effectFailed`, never silently.
public enum NodeEffect: Equatable, Sendable {
    /// Send a VRRP message (multicast, or to each unicast peer) out of an interface.
    case send(Outbound)
    /// Add one virtual address to its device (netlink RTM_NEWADDR; present is not an error).
    case addAddress(AddressChange)
    /// Give a held address its lease again (RTM_NEWADDR with NLM_F_REPLACE and a new
    /// valid_lft): a Master does it with every advert, so its addresses outlive it by one
    /// lease at most. An address the kernel let expire meanwhile is added again.
    case renewAddress(AddressChange)
    /// A routed address (on a device with no segment) is about to go: keep accepting its
    /// traffic, and give the node's FRR a route to announce in its place (longer, with
    /// `redistribute kernel` and `as-path prepend`), while the clients move to the new
    /// Master (`VirtualAddressBinding.drainRoutes`). Present already is not an error.
    case drainAddress(AddressChange)
    /// The drain is over: delete those routes (absent is not an error).
    case endDrain(AddressChange)
    /// Remove one virtual address (absent is not an error).
    case removeAddress(AddressChange)
    /// keepalived issue 2361: remove a configured address a crashed earlier run left behind;
    /// the executor logs it when there was one.
    case removeLeftoverAddress(AddressChange)
    /// Add a route or rule (netlink RTM_NEWROUTE / RTM_NEWRULE, tagged RTPROT_KEEPALIVED
    /// unless it names its own `protocol`); present already is not an error.
    case addRouting(RoutingChange)
    /// Delete a route or rule (absent, or on a device that is gone, is not an error).
    case removeRouting(RoutingChange)
    /// Drop the traffic of exactly these addresses (`no_accept`), replacing the set in one
    /// nftables transaction; an empty set removes vipkeeper's table.
    case dropTraffic([DroppedAddress])
    /// Gratuitous ARPs for these addresses (§8.2).
    case gratuitousARP(GratuitousARPRequest)
    case armTimer(NodeTimer, at: Instant)
    case cancelTimer(NodeTimer.Slot)
    case runCheck(CheckRun)
    case runNotify(NotifyJob)
    case log(LogLine)
    /// The one-line summary changed (systemd STATUS=).
    case statusChanged(String)
    /// Answer a control request.
    case reply(ReplyID, ControlReply)
    /// Write what is in maintenance under the state directory (it survives a restart).
    case persistMaintenance([MaintenanceRecord])
    /// Write the peers' takeovers (`PeerTakeover`) under the state directory.
    case persistTakeovers([PeerTakeover])
    /// Have exactly these raw VRRP sockets open: open the missing ones (an interface
    /// re-created with a new ifindex), close the rest. What cannot be opened fails the effect
    /// (retried); the sockets that opened stay.
    case bindTransports([Transport])
    /// Open (true) or close the listener for the segment's gratuitous ARP and unsolicited
    /// neighbour advertisements: a drill watches for the new Master's while it hands over and
    /// holds (`NodeEvent.gratuitousARPSeen`).
    case watchAnnouncements(Bool)
    /// Have exactly these notify FIFOs open (keepalived's `notify_fifo`, `vrrp_notify_fifo`):
    /// make a missing one (owned by its owner), start its script with the path as its last
    /// argument, open it without ever blocking; close (and remove, when this daemon made it)
    /// the rest.
    case followNotifyFIFOs([BoundNotifyFIFO])
    /// Write one line to the notify FIFO at `path`, never blocking: a full pipe drops it.
    case writeNotifyFIFO(NotifyFIFOLine, path: String)
    /// keepalived `use_vmac`: have the instance's macvlan exist, set up and up
    /// (`VirtualMACRequest`); on success the runtime reports it (`NodeEvent.interface`).
    case ensureVirtualMAC(VirtualMACRequest)
    /// Delete the instance's macvlan (and with it the addresses on it), if it is one.
    case removeVirtualMAC(VirtualMACRequest)
    /// Send an e-mail alert (keepalived's `smtp_alert`), never blocking the event loop: a
    /// failure comes back later as `effectFailed`, a success as `NodeEvent.mailSent`.
    case sendMail(MailAlert)
    /// Keep one entry of the transition history (`HistoryEntry`): numbered, stamped with the
    /// wall clock, kept in memory and appended to the state directory's journal.
    case record(HistoryEntry)

    /// Whether this changes addresses in the kernel: the runtime reads the addresses back
    /// after such effects (`NodeEvent.addresses`), so the node sees what really happened.
    public var changesAddresses: Bool {
        switch self {
        case .addAddress, .removeAddress, .removeLeftoverAddress, .removeVirtualMAC: return true
        // A renewal changes a lifetime; an address it adds back after expiring shows up through
        // the address events like any other change made behind the node's back.
        case .renewAddress, .drainAddress, .endDrain, .ensureVirtualMAC, .send, .gratuitousARP, .armTimer, .cancelTimer, .runCheck, .runNotify, .log, .statusChanged, .reply, .persistMaintenance, .persistTakeovers,
             .bindTransports, .watchAnnouncements, .dropTraffic, .followNotifyFIFOs, .writeNotifyFIFO, .addRouting, .removeRouting, .sendMail,
             .record:
            return false
        }
    }
}

public struct Outbound: Hashable, Sendable {
    public var instance: InstanceID
    public var interface: Device
    public var source: IPAddress
    public var destinations: [IPAddress]
    /// The VRRP message, checksum filled in.
    public var payload: [UInt8]
    /// keepalived `unicast_ttl`: the TTL / Hop Limit of a unicast advert; nil sends with the
    /// socket's 255 (RFC 3768 §5.2.3, RFC 5798 §5.1.1.3).
    public var ttl: UInt8?

    public init(instance: InstanceID, interface: Device, source: IPAddress, destinations: [IPAddress], payload: [UInt8],
                ttl: UInt8? = nil) {
        self.instance = instance
        self.interface = interface
        self.source = source
        self.destinations = destinations
        self.payload = payload
        self.ttl = ttl
    }
}

public struct AddressChange: Hashable, Sendable {
    public var instance: InstanceID
    public var instanceName: String
    public var binding: VirtualAddressBinding
    /// A removal only: the node gives the address up, so the TCP connections it still has on
    /// it are reset first, while the address can still carry the RST (their clients retry at
    /// once on the new holder instead of waiting out a timeout). False for a stray form of an
    /// address the node keeps (`replaceStrays`): its connections are the kept address's.
    public var resetsConnections: Bool
    /// An add or a renewal: the kernel lifetime in seconds (`BoundInstance.leaseSeconds`);
    /// nil for an address that lives until removed.
    public var leaseSeconds: UInt32?

    public init(instance: InstanceID, instanceName: String, binding: VirtualAddressBinding, resetsConnections: Bool = true,
                leaseSeconds: UInt32? = nil) {
        self.instance = instance
        self.instanceName = instanceName
        self.binding = binding
        self.resetsConnections = resetsConnections
        self.leaseSeconds = leaseSeconds
    }
}

/// One round of a burst (`Node.announce`): one gratuitous ARP (IPv4) or unsolicited
/// neighbour advertisement (IPv6) for each address, carrying its device's MAC.
public struct GratuitousARPRequest: Hashable, Sendable {
    public var instance: InstanceID
    public var addresses: [VirtualAddressBinding]

    public init(instance: InstanceID, addresses: [VirtualAddressBinding]) {
        self.instance = instance
        self.addresses = addresses
    }
}
