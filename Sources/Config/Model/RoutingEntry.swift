/// A route or a rule vipkeeper installs: `virtual_routes` / `static_routes` and
/// `virtual_rules` / `static_rules` entries, with their source positions cleared when bound.
public enum RoutingEntry: Hashable, Sendable, CustomStringConvertible {
    case route(VirtualRoute)
    case rule(VirtualRule)

    public var isRule: Bool {
        if case .rule = self { return true } else { return false }
    }

    /// The entry compared by what it does, not where it was written.
    public var unplaced: RoutingEntry {
        switch self {
        case .route(var route): route.location = .unplaced; return .route(route)
        case .rule(var rule): rule.location = .unplaced; return .rule(rule)
        }
    }

    public var description: String {
        switch self {
        case .route(let route): return "route \(route)"
        case .rule(let rule): return "rule \(rule)"
        }
    }
}
