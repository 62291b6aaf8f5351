import CNetlink
import Config
import VRRP

/// Adds and removes virtual addresses through libnl-route-3 (RTM_NEWADDR / RTM_DELADDR).
/// Both directions are idempotent: adding a present address or removing an absent one is
/// not an error. IPv6 addresses are added as keepalived adds them: `nodad` (the address is
/// usable at once; VRRP, not DAD, decides who holds it) and preferred lifetime 0 (deprecated,
/// so the kernel never picks the VIP as the source of the node's own connections).
///
/// An address with a lease (`AddressChange.leaseSeconds`) gets that valid lifetime, and is
/// added with NLM_F_REPLACE: adding it again renews the lifetime (the kernel's address
/// lifetime check, `check_lifetime` in net/ipv4/devinet.c and addrconf's for IPv6, removes
/// it once the lifetime runs out, and FRR's zebra sees its connected route go).
final class AddressManager {
    private let socket: NetlinkSocket

    init() throws(AgentError) {
        socket = try NetlinkSocket()
    }

    func add(_ address: VirtualAddress, interfaceIndex: Int32, leaseSeconds: UInt32? = nil) throws(AgentError) -> NetlinkChange {
        let object = try Self.addressObject(address, interfaceIndex: interfaceIndex)
        defer { rtnl_addr_put(object) }
        var flags: Int32 = 0
        if let leaseSeconds {
            rtnl_addr_set_valid_lifetime(object, leaseSeconds)
            // IPv6 stays deprecated (never a source address); IPv4 has no such use of it.
            rtnl_addr_set_preferred_lifetime(object, address.address.family == .ipv6 ? 0 : leaseSeconds)
            flags = Int32(NLM_F_REPLACE)
        }
        let result = rtnl_addr_add(socket.handle, object, flags)
        if result == 0 { return .changed }
        if result == -NLE_EXIST { return .alreadyDone }
        throw .netlink(operation: "add \(address) on ifindex \(interfaceIndex)", code: result)
    }

    func remove(_ address: VirtualAddress, interfaceIndex: Int32) throws(AgentError) -> NetlinkChange {
        let object = try Self.addressObject(address, interfaceIndex: interfaceIndex)
        defer { rtnl_addr_put(object) }
        let result = rtnl_addr_delete(socket.handle, object, 0)
        if result == 0 { return .changed }
        if result == -NLE_NOADDR || result == -NLE_OBJ_NOTFOUND || result == -NLE_NODEV { return .alreadyDone }
        throw .netlink(operation: "remove \(address) on ifindex \(interfaceIndex)", code: result)
    }

    private static func addressObject(_ address: VirtualAddress, interfaceIndex: Int32) throws(AgentError) -> OpaquePointer {
        guard let object = rtnl_addr_alloc() else { throw .netlink(operation: "address allocation", code: -Int32(NLE_NOMEM)) }
        rtnl_addr_set_ifindex(object, interfaceIndex)
        guard let local = nlAddress(address.address, prefixLength: address.prefixLength) else {
            rtnl_addr_put(object)
            throw .netlink(operation: "address allocation", code: -Int32(NLE_NOMEM))
        }
        _ = rtnl_addr_set_local(object, local)
        nl_addr_put(local)
        rtnl_addr_set_prefixlen(object, Int32(address.prefixLength))
        if address.address.family == .ipv6 {
            rtnl_addr_set_flags(object, UInt32(IFA_F_NODAD))
            rtnl_addr_set_preferred_lifetime(object, 0)
            rtnl_addr_set_valid_lifetime(object, UInt32.max)
        }
        if let broadcast = address.broadcast, let brd = nlAddress(.v4(broadcast), prefixLength: 32) {
            _ = rtnl_addr_set_broadcast(object, brd)
            nl_addr_put(brd)
        }
        if let scope = address.scope {
            let value = rtnl_str2scope(scope)
            if value >= 0 { rtnl_addr_set_scope(object, value) }
        }
        if let label = address.label {
            _ = rtnl_addr_set_label(object, label)
        }
        return object
    }

    private static func nlAddress(_ address: IPAddress, prefixLength: Int) -> OpaquePointer? {
        var octets = address.octets
        let family = address.family == .ipv4 ? AF_INET : AF_INET6
        guard let object = octets.withUnsafeMutableBytes({ nl_addr_build(family, $0.baseAddress, $0.count) }) else { return nil }
        nl_addr_set_prefixlen(object, Int32(prefixLength))
        return object
    }
}
