import CNetlink
#if canImport(Glibc)
import Glibc
#endif

/// An rtnetlink socket through libnl (`struct nl_sock`), owned and freed by this object.
final class NetlinkSocket {
    let handle: OpaquePointer

    /// - Parameter subscribeToLinks: join RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR and
    ///   RTNLGRP_IPV6_IFADDR to hear link
    ///   state and address changes; such a socket is non-blocking and polled by the event loop.
    /// - Parameter subscribeToRoutes: join the IPv4 and IPv6 route and rule groups instead, to
    ///   hear that a route or rule changed (`NodeEvent.routingChanged`).
    init(subscribeToLinks: Bool = false, subscribeToRoutes: Bool = false) throws(AgentError) {
        let subscribes = subscribeToLinks || subscribeToRoutes
        guard let socket = nl_socket_alloc() else { throw .netlink(operation: "socket allocation", code: -Int32(NLE_NOMEM)) }
        handle = socket
        if subscribes {
            nl_socket_disable_seq_check(socket)
        }
        let connected = nl_connect(socket, NETLINK_ROUTE)
        guard connected == 0 else {
            nl_socket_free(socket)
            throw .netlink(operation: "connect", code: connected)
        }
        if subscribes {
            let groups = subscribeToLinks
                ? [(RTNLGRP_LINK, "RTNLGRP_LINK"), (RTNLGRP_IPV4_IFADDR, "RTNLGRP_IPV4_IFADDR"), (RTNLGRP_IPV6_IFADDR, "RTNLGRP_IPV6_IFADDR")]
                : [(RTNLGRP_IPV4_ROUTE, "RTNLGRP_IPV4_ROUTE"), (RTNLGRP_IPV6_ROUTE, "RTNLGRP_IPV6_ROUTE"),
                   (RTNLGRP_IPV4_RULE, "RTNLGRP_IPV4_RULE"), (RTNLGRP_IPV6_RULE, "RTNLGRP_IPV6_RULE")]
            for (group, name) in groups {
                let joined = nl_socket_add_membership(socket, Int32(group.rawValue))
                guard joined == 0 else {
                    nl_socket_free(socket)
                    throw .netlink(operation: "join \(name)", code: joined)
                }
            }
            _ = nl_socket_set_nonblocking(socket)
        }
    }

    deinit {
        nl_socket_free(handle)
    }

    var fileDescriptor: Int32 { nl_socket_get_fd(handle) }

    /// Reads and discards every pending notification (the caller re-reads links and addresses).
    func drain() {
        for _ in 0..<1000 {
            if nl_recvmsgs_default(handle) < 0 { return }
        }
    }

    /// libnl returns negative NLE_* codes, not errno.
    static func describe(_ code: Int32) -> String {
        String(cString: nl_geterror(code))
    }
}
