import VRRP

/// What `NodeEffect.ensureVirtualMAC` and `.removeVirtualMAC` ask of the runtime: one
/// instance's macvlan (keepalived's `use_vmac`), mode private, on `parent`, carrying
/// `hardwareAddress`.
///
/// To ensure it, the runtime reuses a macvlan of that name on that parent with that MAC (one a
/// crashed earlier run left), re-creates one that differs, and refuses to touch an interface
/// of that name that is not a macvlan; it then sets keepalived's sysctls (on the macvlan
/// `arp_ignore=1`, `accept_local=1`, `rp_filter=0`, `promote_secondaries=1`; on the parent
/// `arp_ignore=1`, `arp_filter=1`, so neither answers ARP for the other's addresses), turns
/// IPv6 off on the macvlan of an IPv4 instance that holds no IPv6 address (keepalived
/// `link_set_ipv6`), stops IPv6 address generation on an IPv6 one (RFC 5798 §7.4: its own
/// link-local address is not generated from the virtual MAC) and gives it `linkLocal`, and
/// brings it up. To remove it, the runtime deletes it only when it is such a macvlan.
public struct VirtualMACRequest: Hashable, Sendable {
    public var instance: InstanceID
    public var instanceName: String
    public var name: String
    public var hardwareAddress: [UInt8]
    /// The instance's interface, the macvlan's lower device.
    public var parent: Device
    /// Whether the macvlan keeps IPv6 (an IPv6 instance, or IPv6 addresses held on it).
    public var keepsIPv6: Bool
    /// IPv6 adverts sent from the macvlan: the link-local source they carry (the parent's,
    /// as keepalived does), put on the macvlan.
    public var linkLocal: IPAddress?
    /// IPv4 adverts are sent and heard on the macvlan (no `vmac_xmit_base`): reverse-path
    /// filtering must let a peer's through.
    public var hearsIPv4Adverts = false

    public init(instance: InstanceID, instanceName: String, name: String, hardwareAddress: [UInt8], parent: Device,
                keepsIPv6: Bool, linkLocal: IPAddress?) {
        self.instance = instance
        self.instanceName = instanceName
        self.name = name
        self.hardwareAddress = hardwareAddress
        self.parent = parent
        self.keepsIPv6 = keepsIPv6
        self.linkLocal = linkLocal
    }
}
