import VRRP

/// One entry of `virtual_rules` (added when the instance becomes Master, after its routes,
/// and removed first when it leaves) or `static_rules`, in keepalived's syntax
/// (keepalived.conf(5), vrrp_iprule.c `alloc_rule`): `[from IP[/LEN]] [to IP[/LEN]]
/// [table T | goto N | nop | blackhole | unreachable | prohibit] [priority N] [tos N]
/// [fwmark M[/MASK]] [iif IF] [oif IF] [no_track]`.
public struct VirtualRule: Hashable, Sendable, CustomStringConvertible {
    /// The rule's action (FR_ACT_*): exactly one, as keepalived requires.
    public enum Action: Hashable, Sendable, CustomStringConvertible {
        /// `table T` / `lookup T` (FR_ACT_TO_TBL).
        case table(RoutingTable)
        /// `goto N` (FR_ACT_GOTO): jump to the rule with that preference.
        case goto(UInt32)
        /// `nop` (FR_ACT_NOP).
        case nop
        case blackhole
        case unreachable
        case prohibit

        /// The kernel's FR_ACT_* number (linux/fib_rules.h).
        public var value: UInt8 {
            switch self {
            case .table: return 1
            case .goto: return 2
            case .nop: return 3
            case .blackhole: return 6
            case .unreachable: return 7
            case .prohibit: return 8
            }
        }

        public var description: String {
            switch self {
            case .table(let table): return "lookup \(table)"
            case .goto(let target): return "goto \(target)"
            case .nop: return "nop"
            case .blackhole: return "blackhole"
            case .unreachable: return "unreachable"
            case .prohibit: return "prohibit"
            }
        }
    }

    /// `fwmark VALUE[/MASK]`.
    public struct FirewallMark: Hashable, Sendable {
        public var value: UInt32
        public var mask: UInt32?

        public init(value: UInt32, mask: UInt32?) {
            self.value = value
            self.mask = mask
        }
    }

    public var family: AddressFamily
    public var from: IPPrefix?
    public var to: IPPrefix?
    public var action: Action
    /// `preference` / `priority` / `order`. keepalived gives a rule without one the next of
    /// 16384, 16383, ... per family, in the order of the file, and warns; so does vipkeeper.
    public var priority: UInt32
    /// `tos` / `dsfield`.
    public var typeOfService: UInt8?
    public var firewallMark: FirewallMark?
    /// `iif IF` / `dev IF`.
    public var inputInterface: String?
    /// `oif IF`.
    public var outputInterface: String?
    /// `no_track` (see `VirtualRoute.noTrack`).
    public var noTrack = false
    public var location: SourceLocation

    public init(family: AddressFamily, action: Action, priority: UInt32, location: SourceLocation) {
        self.family = family
        self.action = action
        self.priority = priority
        self.location = location
    }

    /// `ip rule` shape: `16384: from 10.250.101.10 lookup 100`.
    public var description: String {
        var words = ["\(priority):"]
        words += ["from", from?.description ?? "all"]
        if let to { words += ["to", to.description] }
        if let typeOfService { words += ["tos", String(typeOfService)] }
        if let firewallMark { words += ["fwmark", String(firewallMark.value) + (firewallMark.mask.map { "/\($0)" } ?? "")] }
        if let inputInterface { words += ["iif", inputInterface] }
        if let outputInterface { words += ["oif", outputInterface] }
        words.append(action.description)
        return words.joined(separator: " ")
    }
}
