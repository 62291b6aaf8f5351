import CNetlink
import Node
import VRRP
#if canImport(Glibc)
import Glibc
#endif

/// keepalived's `use_vmac` macvlans, made and deleted through libnl-route-3 (RTM_NEWLINK /
/// RTM_DELLINK, `rtnl_link_macvlan_*`), with the sysctls keepalived sets around them
/// (keepalived's vrrp_vmac.c and vrrp_if_config.c):
/// - mode private: the macvlan hears the frames that carry its own MAC as their source (a
///   Master with the same virtual MAC, so a Backup's macvlan hears its adverts), and no other
///   macvlan of the parent talks to it directly;
/// - on the macvlan `arp_ignore=1` (it answers ARP only for its own addresses, never for the
///   parent's), `accept_local=1`, `rp_filter=0` (adverts from peers arrive on a device with
///   no route back to them), `promote_secondaries=1`; on the parent `arp_ignore=1` and
///   `arp_filter=1` (the parent never answers for a virtual address with its own MAC) and,
///   beyond keepalived, `arp_announce=2`: a Master's replies to a client leave through the
///   parent (its route to the segment comes first), and the ARP request the kernel sends for
///   the client would otherwise carry the virtual address with the parent's MAC, which the
///   client learns (measured: keepalived 2.2.7 alone leaves the client's neighbour entry on
///   the Master's own MAC after its first reply). All put back as they were when the last
///   macvlan on the parent goes;
/// - IPv6 off on an IPv4 instance's macvlan that holds no IPv6 address; on an IPv6 one no
///   generated link-local address (RFC 5798 §7.4), the parent's link-local put on it instead
///   by the executor (`VirtualMACRequest.linkLocal`).
final class VirtualMACLinks {
    /// What `ensure` found.
    enum Outcome: Equatable {
        case created
        /// A macvlan of that name on that parent with that MAC (left by an earlier run).
        case reused
        /// A macvlan of that name that differed (parent, MAC or mode): deleted and re-made.
        case recreated(String)
    }

    private let socket: NetlinkSocket
    /// What the parent's sysctls are set to while it has a macvlan.
    private static let parentSysctls = [("arp_ignore", "1"), ("arp_filter", "1"), ("arp_announce", "2")]

    /// The parent's sysctls before the first macvlan on it, by parent name, and the macvlans
    /// on it.
    private var parents: [String: (saved: [String: String], macvlans: Set<String>)] = [:]

    init() throws(AgentError) {
        socket = try NetlinkSocket()
    }

    /// Makes (or reuses, or re-makes) the macvlan, sets its sysctls and brings it up.
    func ensure(_ request: VirtualMACRequest) throws(AgentError) -> Outcome {
        var outcome = Outcome.created
        if let existing = try describe(request.name) {
            if let mismatch = existing.mismatch(with: request) {
                try delete(request.name)
                outcome = .recreated(mismatch)
            } else {
                outcome = .reused
            }
        }
        if outcome != .reused { try create(request) }
        try configure(request)
        try bringUp(request.name)
        return outcome
    }

    /// Deletes the macvlan if it is the one asked for (absent is not an error; an interface
    /// of that name that is not that macvlan is never touched).
    func remove(_ request: VirtualMACRequest) throws(AgentError) {
        defer { restoreParent(request) }
        guard let existing = try describe(request.name) else { return }
        if let mismatch = existing.mismatch(with: request) {
            throw .virtualMAC(name: request.name, reason: "not deleted: \(mismatch); it is not the macvlan vipkeeper made")
        }
        try delete(request.name)
    }

    /// The interface as the node follows it, read now.
    func host(_ name: String) -> HostInterface? {
        LinkState.host(name, socket: socket, addresses: AddressTable.read(socket: socket))
    }

    // MARK: - Links

    /// An existing interface of that name: its kind, parent, MAC and macvlan mode.
    private struct Existing {
        var kind: String
        var parent: Int32
        var hardwareAddress: [UInt8]
        var mode: UInt32

        /// Why this is not the macvlan asked for; nil when it is.
        func mismatch(with request: VirtualMACRequest) -> String? {
            guard kind == "macvlan" else { return "is a \(kind.isEmpty ? "physical or unknown" : kind) interface, not a macvlan" }
            if parent != request.parent.index { return "its parent is ifindex \(parent), not \(request.parent) (\(request.parent.index))" }
            if hardwareAddress != request.hardwareAddress { return "its MAC is not the virtual router MAC" }
            if mode != UInt32(MACVLAN_MODE_PRIVATE.rawValue) { return "its mode is not private" }
            return nil
        }
    }

    private func describe(_ name: String) throws(AgentError) -> Existing? {
        var link: OpaquePointer?
        let found = rtnl_link_get_kernel(socket.handle, 0, name, &link)
        if found == -NLE_NODEV || found == -NLE_OBJ_NOTFOUND { return nil }
        guard found == 0, let link else { throw .netlink(operation: "read link \(name)", code: found) }
        defer { rtnl_link_put(link) }
        let kind = rtnl_link_get_type(link).map { String(cString: $0) } ?? ""
        var hardware: [UInt8] = []
        if let address = rtnl_link_get_addr(link), let bytes = nl_addr_get_binary_addr(address) {
            hardware = Array(UnsafeRawBufferPointer(start: bytes, count: Int(nl_addr_get_len(address))))
        }
        let mode = kind == "macvlan" ? rtnl_link_macvlan_get_mode(link) : 0
        return Existing(kind: kind, parent: rtnl_link_get_link(link), hardwareAddress: hardware, mode: mode)
    }

    private func create(_ request: VirtualMACRequest) throws(AgentError) {
        guard let link = rtnl_link_macvlan_alloc() else { throw .netlink(operation: "macvlan allocation", code: -Int32(NLE_NOMEM)) }
        defer { rtnl_link_put(link) }
        rtnl_link_set_name(link, request.name)
        rtnl_link_set_link(link, request.parent.index)
        var set = rtnl_link_macvlan_set_mode(link, UInt32(MACVLAN_MODE_PRIVATE.rawValue))
        guard set == 0 else { throw .netlink(operation: "macvlan \(request.name) mode private", code: set) }
        var mac = request.hardwareAddress
        guard let address = mac.withUnsafeMutableBytes({ nl_addr_build(AF_LLC, $0.baseAddress, $0.count) }) else {
            throw .netlink(operation: "MAC allocation", code: -Int32(NLE_NOMEM))
        }
        rtnl_link_set_addr(link, address)
        nl_addr_put(address)
        set = rtnl_link_add(socket.handle, link, NLM_F_CREATE | NLM_F_EXCL)
        guard set == 0 else { throw .netlink(operation: "create macvlan \(request.name) on \(request.parent)", code: set) }
    }

    private func delete(_ name: String) throws(AgentError) {
        guard let link = rtnl_link_alloc() else { throw .netlink(operation: "link allocation", code: -Int32(NLE_NOMEM)) }
        defer { rtnl_link_put(link) }
        rtnl_link_set_name(link, name)
        let result = rtnl_link_delete(socket.handle, link)
        if result == 0 || result == -NLE_NODEV || result == -NLE_OBJ_NOTFOUND { return }
        throw .netlink(operation: "delete macvlan \(name)", code: result)
    }

    private func bringUp(_ name: String) throws(AgentError) {
        var current: OpaquePointer?
        let found = rtnl_link_get_kernel(socket.handle, 0, name, &current)
        guard found == 0, let current else { throw .netlink(operation: "read link \(name)", code: found) }
        defer { rtnl_link_put(current) }
        guard let change = rtnl_link_alloc() else { throw .netlink(operation: "link allocation", code: -Int32(NLE_NOMEM)) }
        defer { rtnl_link_put(change) }
        rtnl_link_set_flags(change, UInt32(IFF_UP))
        let result = rtnl_link_change(socket.handle, current, change, 0)
        guard result == 0 else { throw .netlink(operation: "set \(name) up", code: result) }
    }

    // MARK: - Sysctls

    private func configure(_ request: VirtualMACRequest) throws(AgentError) {
        let name = request.name
        for (key, value) in [("arp_ignore", "1"), ("accept_local", "1"), ("rp_filter", "0"), ("promote_secondaries", "1")] {
            try write("net/ipv4/conf/\(name)/\(key)", value, for: name)
        }
        if request.keepsIPv6 {
            // Before it is up: no link-local address generated from the virtual MAC.
            try? write("net/ipv6/conf/\(name)/addr_gen_mode", "1", for: name)
        } else {
            try? write("net/ipv6/conf/\(name)/disable_ipv6", "1", for: name)  // absent when IPv6 is off
        }
        let parent = request.parent.name
        if parents[parent] == nil {
            var saved: [String: String] = [:]
            for (key, _) in Self.parentSysctls { saved[key] = read("net/ipv4/conf/\(parent)/\(key)") }
            parents[parent] = (saved, [])
        }
        parents[parent]?.macvlans.insert(name)
        for (key, value) in Self.parentSysctls {
            try write("net/ipv4/conf/\(parent)/\(key)", value, for: name)
        }
    }

    /// The parent's ARP sysctls as they were, once its last macvlan is gone.
    private func restoreParent(_ request: VirtualMACRequest) {
        let parent = request.parent.name
        guard var entry = parents[parent] else { return }
        entry.macvlans.remove(request.name)
        guard entry.macvlans.isEmpty else {
            parents[parent] = entry
            return
        }
        parents[parent] = nil
        for (key, value) in entry.saved { try? write("net/ipv4/conf/\(parent)/\(key)", value, for: request.name) }
    }

    /// IPv4: the kernel applies the larger of `all.rp_filter` and the device's, so a strict
    /// `all.rp_filter=1` drops a peer's adverts on the macvlan (its route back is the parent's)
    /// whatever the macvlan's own is. keepalived then sets `all` to 0 and raises every
    /// interface to the old value; vipkeeper leaves the operator's setting and says so.
    var rpFilterWarning: String? {
        guard read("net/ipv4/conf/all/rp_filter") == "1" else { return nil }
        return "net.ipv4.conf.all.rp_filter is 1 (strict): the macvlans cannot hear IPv4 adverts; set it to 0 or 2 (loose) and the interfaces' own rp_filter as needed (keepalived rewrites these; vipkeeper does not)"
    }

    private func read(_ key: String) -> String? {
        guard let file = fopen("/proc/sys/" + key, "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 32)
        guard fgets(&buffer, 32, file) != nil else { return nil }
        return String(cString: buffer).trimmingWhitespace
    }

    private func write(_ key: String, _ value: String, for name: String) throws(AgentError) {
        let descriptor = open("/proc/sys/" + key, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .virtualMAC(name: name, reason: "sysctl \(key.replacingSlashes): \(errorText(errno))") }
        defer { close(descriptor) }
        let written = value.withCString { Glibc.write(descriptor, $0, strlen($0)) }
        guard written >= 0 else { throw .virtualMAC(name: name, reason: "sysctl \(key.replacingSlashes)=\(value): \(errorText(errno))") }
    }
}

private extension String {
    var trimmingWhitespace: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }

    /// `net/ipv4/conf/eth0/arp_ignore` as sysctl writes it.
    var replacingSlashes: String { split(separator: "/").joined(separator: ".") }
}
