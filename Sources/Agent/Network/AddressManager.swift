import CNetlink
import Config
import VRRP

/// Adds and removes virtual addresses through libnl-route-3 (RTM_NEWADDR / RTM_DELADDR).
/// Both directions are idempotent: adding a present address or removing an absent one is
/// not an error.
final class AddressManager {
    enum Outcome: Equatable {
        case changed
        case alreadyDone
    }

    private let socket: NetlinkSocket

    init() throws(AgentError) {
        socket = try NetlinkSocket()
    }

    func add(_ address: VirtualAddress, interfaceIndex: Int32) throws(AgentError) -> Outcome {
        let object = try Self.addressObject(address, interfaceIndex: interfaceIndex)
        defer { rtnl_addr_put(object) }
        let result = rtnl_addr_add(socket.handle, object, 0)
        if result == 0 { return .changed }
        if result == -NLE_EXIST { return .alreadyDone }
        throw .netlink(operation: "add \(address) on ifindex \(interfaceIndex)", code: result)
    }

    func remove(_ address: VirtualAddress, interfaceIndex: Int32) throws(AgentError) -> Outcome {
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
        if let broadcast = address.broadcast, let brd = nlAddress(broadcast, prefixLength: 32) {
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

    private static func nlAddress(_ address: IPv4Address, prefixLength: Int) -> OpaquePointer? {
        var networkOrder = address.value.bigEndian
        guard let object = withUnsafeMutableBytes(of: &networkOrder, { nl_addr_build(AF_INET, $0.baseAddress, 4) }) else { return nil }
        nl_addr_set_prefixlen(object, Int32(prefixLength))
        return object
    }
}
