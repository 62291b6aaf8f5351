import VRRP

/// What binding a configuration asks of the machine: its interfaces as the kernel has them,
/// and its users and groups. The daemon answers from netlink and NSS (at start and reload,
/// never on the event loop), the simulator from its simulated host, tests from a pretend one;
/// all three bind through the one `Binder`.
public protocol HostLookup {
    /// An interface by name, now; nil when no interface has that name.
    func interface(named name: String) -> HostInterface?
    /// The interface that has `address` configured (an instance without `interface`).
    func interface(holding address: IPAddress) -> String?
    /// A user's uid and primary gid; nil when there is no such user.
    func user(named name: String) -> (userID: Int32, groupID: Int32)?
    /// A group's gid; nil when there is no such group.
    func group(named name: String) -> Int32?
    /// The host's name (keepalived's `local_name`: default `router_id`, HELO name and sender
    /// domain); nil when unknown.
    var localName: String? { get }
    /// The name of the user the daemon runs as (keepalived's default sender `USER@HOST`).
    var userName: String? { get }
}

extension HostLookup {
    public var localName: String? { nil }
    public var userName: String? { nil }
}
