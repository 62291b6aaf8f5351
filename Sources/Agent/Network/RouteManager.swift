import CNetlink
import Config
import VRRP
#if canImport(Glibc)
import Glibc
#endif

/// Adds and deletes `virtual_routes` / `static_routes` and `virtual_rules` / `static_rules`
/// through libnl-route-3 (RTM_NEWROUTE / RTM_DELROUTE, RTM_NEWRULE / RTM_DELRULE), built as
/// keepalived builds them (vrrp_iproute.c `netlink_route`, vrrp_iprule.c `netlink_rule`): the
/// configured scope or RT_SCOPE_UNIVERSE, protocol RTPROT_KEEPALIVED (18) unless the entry
/// names its own, a route `prepend`ed (NLM_F_CREATE) unless `add` or `append` says otherwise,
/// a rule added with NLM_F_EXCL. Both directions are idempotent: adding what is there already
/// and deleting what is not (or what lived on a device that is gone) are not errors.
final class RouteManager {
    private let socket: NetlinkSocket

    init() throws(AgentError) {
        socket = try NetlinkSocket()
    }

    func add(_ entry: RoutingEntry) throws(AgentError) -> NetlinkChange {
        switch entry {
        case .route(let route):
            let object = try Self.routeObject(route, operation: "add route \(route)", deleting: false)
            defer { rtnl_route_put(object) }
            let flags: Int32
            switch route.addMode {
            case .prepend: flags = 0
            case .add: flags = NLM_F_EXCL
            case .append: flags = NLM_F_APPEND
            }
            return try Self.outcome(rtnl_route_add(socket.handle, object, flags), present: -NLE_EXIST, operation: "add route \(route)")
        case .rule(let rule):
            let object = try Self.ruleObject(rule, operation: "add rule \(rule)")
            defer { rtnl_rule_put(object) }
            return try Self.outcome(rtnl_rule_add(socket.handle, object, NLM_F_EXCL), present: -NLE_EXIST, operation: "add rule \(rule)")
        }
    }

    func remove(_ entry: RoutingEntry) throws(AgentError) -> NetlinkChange {
        do {
            switch entry {
            case .route(let route):
                let object = try Self.routeObject(route, operation: "delete route \(route)", deleting: true)
                defer { rtnl_route_put(object) }
                return try Self.absentIsDone(rtnl_route_delete(socket.handle, object, 0), operation: "delete route \(route)")
            case .rule(let rule):
                let object = try Self.ruleObject(rule, operation: "delete rule \(rule)")
                defer { rtnl_rule_put(object) }
                return try Self.absentIsDone(rtnl_rule_delete(socket.handle, object, 0), operation: "delete rule \(rule)")
            }
        } catch .noSuchInterface {
            return .alreadyDone  // nothing of ours can be on a device that does not exist
        }
    }

    private static func outcome(_ result: Int32, present: Int32, operation: String) throws(AgentError) -> NetlinkChange {
        if result == 0 { return .changed }
        if result == present { return .alreadyDone }
        throw .netlink(operation: operation, code: result)
    }

    private static func absentIsDone(_ result: Int32, operation: String) throws(AgentError) -> NetlinkChange {
        if result == 0 { return .changed }
        if result == -NLE_OBJ_NOTFOUND || result == -NLE_NOADDR || result == -NLE_NODEV { return .alreadyDone }
        throw .netlink(operation: operation, code: result)
    }

    private static func interfaceIndex(_ name: String, operation: String) throws(AgentError) -> Int32 {
        let index = if_nametoindex(name)
        guard index != 0 else { throw .noSuchInterface(name, operation: operation) }
        return Int32(index)
    }

    private static func family(_ family: AddressFamily) -> Int32 {
        family == .ipv4 ? AF_INET : AF_INET6
    }

    // MARK: - Routes

    private static func routeObject(_ route: VirtualRoute, operation: String, deleting: Bool) throws(AgentError) -> OpaquePointer {
        guard let object = rtnl_route_alloc() else { throw .netlink(operation: "route allocation", code: -Int32(NLE_NOMEM)) }
        do {
            try fill(object, with: route, operation: operation)
            return object
        } catch {
            rtnl_route_put(object)
            throw error
        }
    }

    private static func fill(_ object: OpaquePointer, with route: VirtualRoute, operation: String) throws(AgentError) {
        _ = rtnl_route_set_family(object, UInt8(family(route.family)))
        try set(route.destination, operation: operation) { rtnl_route_set_dst(object, $0) }
        if let source = route.source {
            try set(source, operation: operation) { rtnl_route_set_src(object, $0) }
        }
        if let preferred = route.preferredSource {
            try set(IPPrefix(address: preferred, length: preferred.maximumPrefixLength), operation: operation) { rtnl_route_set_pref_src(object, $0) }
        }
        rtnl_route_set_table(object, route.table.id)
        // libnl guesses a scope when none is set; keepalived's is RT_SCOPE_UNIVERSE.
        rtnl_route_set_scope(object, route.scope.value)
        rtnl_route_set_protocol(object, route.routeProtocol.value)
        _ = rtnl_route_set_type(object, route.kind.value)
        if let metric = route.metric { rtnl_route_set_priority(object, metric) }
        if let tos = route.typeOfService { rtnl_route_set_tos(object, tos) }
        if let mtu = route.mtu { _ = rtnl_route_set_metric(object, Int32(RTAX_MTU), mtu) }
        let device = try route.device.map { name throws(AgentError) in try interfaceIndex(name, operation: operation) }
        // One next hop per gateway (more than one is a multipath route), or the device alone.
        let hops: [IPAddress?] = route.gateways.isEmpty ? (device == nil ? [] : [nil]) : route.gateways.map { $0 }
        for gateway in hops {
            guard let hop = rtnl_route_nh_alloc() else { throw .netlink(operation: "next hop allocation", code: -Int32(NLE_NOMEM)) }
            if let device { rtnl_route_nh_set_ifindex(hop, device) }
            if route.onlink { rtnl_route_nh_set_flags(hop, UInt32(RTNH_F_ONLINK)) }
            if let gateway, let address = nlAddress(IPPrefix(address: gateway, length: gateway.maximumPrefixLength)) {
                rtnl_route_nh_set_gateway(hop, address)
                nl_addr_put(address)
            }
            rtnl_route_add_nexthop(object, hop)
        }
    }

    // MARK: - Rules

    private static func ruleObject(_ rule: VirtualRule, operation: String) throws(AgentError) -> OpaquePointer {
        guard let object = rtnl_rule_alloc() else { throw .netlink(operation: "rule allocation", code: -Int32(NLE_NOMEM)) }
        do {
            try fill(object, with: rule, operation: operation)
            return object
        } catch {
            rtnl_rule_put(object)
            throw error
        }
    }

    private static func fill(_ object: OpaquePointer, with rule: VirtualRule, operation: String) throws(AgentError) {
        rtnl_rule_set_family(object, family(rule.family))
        rtnl_rule_set_prio(object, rule.priority)
        rtnl_rule_set_action(object, rule.action.value)
        switch rule.action {
        case .table(let table): rtnl_rule_set_table(object, table.id)
        case .goto(let target): rtnl_rule_set_goto(object, target)
        case .nop, .blackhole, .unreachable, .prohibit: break
        }
        if let from = rule.from, from.length > 0 {
            try set(from, operation: operation) { rtnl_rule_set_src(object, $0) }
        }
        if let to = rule.to, to.length > 0 {
            try set(to, operation: operation) { rtnl_rule_set_dst(object, $0) }
        }
        if let tos = rule.typeOfService { rtnl_rule_set_dsfield(object, tos) }
        if let mark = rule.firewallMark {
            rtnl_rule_set_mark(object, mark.value)
            if let mask = mark.mask { rtnl_rule_set_mask(object, mask) }
        }
        // keepalived passes the names (FRA_IFNAME / FRA_OIFNAME): the kernel accepts a rule
        // for a device that does not exist yet, and so does vipkeeper.
        if let name = rule.inputInterface { _ = rtnl_rule_set_iif(object, name) }
        if let name = rule.outputInterface { _ = rtnl_rule_set_oif(object, name) }
        _ = rtnl_rule_set_protocol(object, RouteProtocol.keepalived.value)
    }

    // MARK: - Addresses

    private static func set(_ prefix: IPPrefix, operation: String, _ apply: (OpaquePointer) -> Int32) throws(AgentError) {
        guard let address = nlAddress(prefix) else { throw .netlink(operation: "address allocation", code: -Int32(NLE_NOMEM)) }
        defer { nl_addr_put(address) }
        let result = apply(address)
        guard result == 0 else { throw .netlink(operation: operation, code: result) }
    }

    private static func nlAddress(_ prefix: IPPrefix) -> OpaquePointer? {
        var octets = prefix.address.octets
        let family = prefix.family == .ipv4 ? AF_INET : AF_INET6
        guard let object = octets.withUnsafeMutableBytes({ nl_addr_build(family, $0.baseAddress, $0.count) }) else { return nil }
        nl_addr_set_prefixlen(object, Int32(prefix.length))
        return object
    }
}
