import Node
import VRRP

/// The raw VRRP sockets, one per interface and family with instances. A reload prepares the sockets the
/// new configuration needs *before* anything changes (a failure refuses the reload), installs
/// them once the node has accepted it, and retires what is no longer used after the stopping
/// instances have resigned on the old ones.
final class TransportSet {
    private(set) var sockets: [TransportKey: VRRPSocket] = [:]
    private var prepared: [TransportKey: VRRPSocket] = [:]
    private var wanted: [Transport] = []

    func socket(for key: TransportKey) -> VRRPSocket? { sockets[key] }

    /// Opens a socket (joined to its multicast group) for every interface that has none yet;
    /// changes nothing in use. Throws, keeping nothing prepared, when one cannot be opened.
    func prepare(_ transports: [Transport]) throws(AgentError) {
        prepared = [:]
        for transport in transports where sockets[transport.key] == nil {
            do throws(AgentError) {
                prepared[transport.key] = try Self.open(transport)
            } catch {
                prepared = [:]
                throw error
            }
        }
        wanted = transports
    }

    /// Puts the prepared sockets in use and brings the multicast memberships of the existing
    /// ones to the new configuration. Returns what failed (logged by the caller).
    func install() -> [AgentError] {
        sockets.merge(prepared) { old, _ in old }
        prepared = [:]
        var failures: [AgentError] = []
        for transport in wanted {
            guard let socket = sockets[transport.key], let group = transport.multicastGroup else { continue }
            do throws(AgentError) { try socket.join(group) } catch { failures.append(error) }
        }
        return failures
    }

    /// Brings the open sockets to exactly `transports` while running (the host changed under
    /// the node: an interface re-created with a new ifindex): opens each missing socket,
    /// joins its group, closes the rest. Every socket is tried; what opened stays open; the
    /// first failure is thrown after (the node retries).
    func follow(_ transports: [Transport]) throws(AgentError) {
        prepared = [:]
        wanted = transports
        var failures: [AgentError] = []
        for transport in transports where sockets[transport.key] == nil {
            do throws(AgentError) {
                sockets[transport.key] = try Self.open(transport)
            } catch {
                failures.append(error)
            }
        }
        failures += install()
        retire()
        if let first = failures.first { throw first }
    }

    /// Closes the sockets of interfaces no instance uses any more.
    func retire() {
        let used = Set(wanted.map(\.key))
        sockets = sockets.filter { used.contains($0.key) }
    }

    /// A socket for one interface and family, joined to its multicast group.
    private static func open(_ transport: Transport) throws(AgentError) -> VRRPSocket {
        let socket = try VRRPSocket(interface: transport.interface.name, interfaceIndex: transport.interface.index,
                                    family: transport.family)
        if let group = transport.multicastGroup { try socket.join(group) }
        return socket
    }

    /// Every open socket, in no particular order (the event loop polls them all each turn).
    var all: Dictionary<TransportKey, VRRPSocket>.Values { sockets.values }
}
