import Node
import VRRP
#if canImport(Glibc)
import Glibc
#endif

/// This machine as the binder sees it: interfaces through libnl (one address dump per
/// binding), users and groups through NSS (getpwnam/getgrnam). Used at start and reload only,
/// never on the event loop.
struct SystemHost: HostLookup {
    let links: NetlinkSocket
    private let addresses: [Int32: [HostAddress]]

    init(links: NetlinkSocket) {
        self.links = links
        addresses = AddressTable.read(socket: links)
    }

    func interface(named name: String) -> HostInterface? {
        LinkState.host(name, socket: links, addresses: addresses)
    }

    func interface(holding address: IPAddress) -> String? {
        InterfaceAddresses.interface(holding: address)
    }

    func user(named name: String) -> (userID: Int32, groupID: Int32)? {
        guard let entry = getpwnam(name) else { return nil }
        return (Int32(bitPattern: entry.pointee.pw_uid), Int32(bitPattern: entry.pointee.pw_gid))
    }

    func group(named name: String) -> Int32? {
        getgrnam(name).map { Int32(bitPattern: $0.pointee.gr_gid) }
    }

    /// Every interface `configuration` names, as the kernel has it now (nil: none by that name).
    func interfaces(of configuration: BoundConfiguration) -> [(name: String, interface: HostInterface?)] {
        Binder.interfaceNames(of: configuration).map { ($0, interface(named: $0)) }
    }

    /// gethostname(2), as keepalived's `get_local_name` reads uname's node name.
    var localName: String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return nil }
        let name = String(cString: buffer)
        return name.isEmpty ? nil : name
    }

    /// The user the daemon runs as (getpwuid(getuid())), as keepalived's default sender.
    var userName: String? {
        guard let entry = getpwuid(getuid()), let name = entry.pointee.pw_name else { return nil }
        return String(cString: name)
    }
}
