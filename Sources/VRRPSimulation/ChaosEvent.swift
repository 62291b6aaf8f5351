import VRRP

/// Something that happens to the simulated cluster at a scheduled time.
public enum ChaosEvent: Hashable, Sendable, CustomStringConvertible {
    /// Nodes can only talk within their own group.
    case partition([[Int]])
    /// The network becomes whole again: no partition, no loss, no duplication, no corruption.
    case heal
    /// Per-receiver packet loss, duplication and corruption probabilities.
    case degrade(loss: Double, duplication: Double, corruption: Double)
    /// The process dies without a word (kill -9): timers and state are gone, the kernel keeps
    /// whatever addresses it had (keepalived issue 2361).
    case crash(Int)
    /// SIGTERM: the node handles Stop, then the process is gone.
    case stop(Int)
    /// A fresh process starts on a node that was down.
    case restart(Int)
    /// The node's tracked check starts passing or failing (Harbor up or down).
    case setHealth(Int, healthy: Bool)
    /// SIGHUP with the same file: nothing may change.
    case reloadUnchanged(Int)
    /// SIGHUP with a new base priority: the instances restart.
    case reloadPriority(Int, UInt8)
    /// Netlink refuses every address change on the node until turned off.
    case netlinkFailing(Int, Bool)
    /// Someone runs `ip addr del` for the node's virtual addresses.
    case deleteAddresses(Int)
    /// The node's link goes down (it hears and sends nothing) or comes back.
    case link(Int, up: Bool)
    /// A stranger sends junk into the segment (wrong VRID, bad auth, wrong TTL, garbage).
    case junk
    /// eth0 is deleted and created again under the same name (ifdown/ifup, a VLAN or bond
    /// rebuilt): a new ifindex, and the addresses on the old one are gone.
    case recreateInterface(Int)
    /// eth0 gets another MAC (bond `fail_over_mac`, `ip link set address`).
    case changeMAC(Int)
    /// Someone removes eth0's own address, the source of the node's adverts.
    case removeSourceAddress(Int)
    /// Another tool adds the node's virtual address as a /32 beside the configured /24 (when
    /// the node has it).
    case foreignPrefix(Int)
    /// The frames announcing the node's virtual addresses fail (their device is down or its
    /// queue full) until turned off; its excluded addresses are announced as usual.
    case announcementsFailing(Int, Bool)

    public var description: String {
        switch self {
        case .partition(let groups): return "partition \(groups)"
        case .heal: return "heal"
        case .degrade(let loss, let duplication, let corruption):
            return "degrade loss=\(loss) dup=\(duplication) corrupt=\(corruption)"
        case .crash(let node): return "crash n\(node)"
        case .stop(let node): return "stop n\(node)"
        case .restart(let node): return "restart n\(node)"
        case .setHealth(let node, let healthy): return "n\(node) check \(healthy ? "passes" : "fails")"
        case .reloadUnchanged(let node): return "n\(node) SIGHUP, same file"
        case .reloadPriority(let node, let priority): return "n\(node) SIGHUP, priority -> \(priority)"
        case .netlinkFailing(let node, let failing): return "n\(node) netlink \(failing ? "fails" : "works again")"
        case .deleteAddresses(let node): return "n\(node) ip addr del of its VIPs"
        case .link(let node, let up): return "n\(node) link \(up ? "up" : "down")"
        case .junk: return "junk packet"
        case .recreateInterface(let node): return "n\(node) eth0 deleted and created again"
        case .changeMAC(let node): return "n\(node) eth0 MAC changed"
        case .removeSourceAddress(let node): return "n\(node) eth0's own address removed"
        case .foreignPrefix(let node): return "n\(node) gets its VIP as /32 from another tool"
        case .announcementsFailing(let node, let failing): return "n\(node) VIP announcements \(failing ? "fail" : "work again")"
        }
    }
}
