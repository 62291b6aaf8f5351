/// One single failure a what-if cluster is put through (`PairWhatIf`), and undone for its
/// recovery.
public enum PairFailure: Hashable, Sendable {
    /// A tracked `vrrp_script` or `vrrp_http_check` fails every run (recovery: it passes).
    case checkFailing(node: Int, check: String)
    /// Every process a `vrrp_track_process` counts exits (recovery: they run again).
    case processMissing(node: Int, process: String)
    /// A tracked interface loses its link (recovery: it is back).
    case interfaceDown(node: Int, interface: String)
    /// `systemctl stop` (SIGTERM; recovery: started again).
    case stopped(node: Int)
    /// `vipkeeper maintenance on` for every instance (recovery: `maintenance off`).
    case maintenance(node: Int)

    public var node: Int {
        switch self {
        case .checkFailing(let node, _), .processMissing(let node, _), .interfaceDown(let node, _), .stopped(let node), .maintenance(let node):
            return node
        }
    }

    /// `harbor_ping failing on node-a`.
    public func description(names: [String]) -> String {
        switch self {
        case .checkFailing(let node, let check): return "\(check) failing on \(names[node])"
        case .processMissing(let node, let process): return "track_process \(process) gone on \(names[node])"
        case .interfaceDown(let node, let interface): return "\(interface) down on \(names[node])"
        case .stopped(let node): return "\(names[node]) stopped"
        case .maintenance(let node): return "\(names[node]) in maintenance"
        }
    }

    /// What undoes it: `harbor_ping passing again on node-a`.
    public func recovery(names: [String]) -> String {
        switch self {
        case .checkFailing(let node, let check): return "\(check) passing again on \(names[node])"
        case .processMissing(let node, let process): return "track_process \(process) back on \(names[node])"
        case .interfaceDown(let node, let interface): return "\(interface) up again on \(names[node])"
        case .stopped(let node): return "\(names[node]) started again"
        case .maintenance(let node): return "\(names[node]) out of maintenance"
        }
    }
}
