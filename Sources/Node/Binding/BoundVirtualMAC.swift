import Config
import VRRP

/// An instance's `use_vmac` macvlan bound to this machine (keepalived.conf(5)): its name, the
/// virtual router MAC it carries (RFC 3768 §7.3 / RFC 5798 §7.3), and its ifindex as the
/// kernel has it now (0 while it does not exist: the node asks for it,
/// `NodeEffect.ensureVirtualMAC`, and follows it through `NodeEvent.interface` like any
/// interface, re-created ones included).
public struct BoundVirtualMAC: Hashable, Sendable {
    public var name: String
    public var hardwareAddress: [UInt8]
    /// `vmac_xmit_base`: adverts go out of (and come in on) the instance's own interface.
    public var sendsOnBase: Bool
    /// 0 while the macvlan does not exist.
    public var index: Int32

    public init(name: String, hardwareAddress: [UInt8], sendsOnBase: Bool, index: Int32) {
        self.name = name
        self.hardwareAddress = hardwareAddress
        self.sendsOnBase = sendsOnBase
        self.index = index
    }

    /// The macvlan as a device virtual addresses are bound to.
    public var device: Device { Device(name: name, index: index, hardwareAddress: hardwareAddress) }

    public var exists: Bool { index != 0 }
}
