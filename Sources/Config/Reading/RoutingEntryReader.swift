import VRRP

/// Reads one `virtual_routes` / `static_routes` or `virtual_rules` / `static_rules` entry as
/// keepalived 2.2.7 does (vrrp_iproute.c `alloc_route`, vrrp_iprule.c `alloc_rule`): words
/// in any order, a bad value is an error at that word and the entry is dropped (keepalived
/// drops it too, "goto err"). What keepalived supports and vipkeeper does not is a warning:
/// an option that only tunes the route (`advmss`, `realms`, ...) is ignored; one that changes
/// what the entry matches or where it sends (`nexthop`, `vrf`, `encap`, `not`, ...) leaves
/// the entry out, since installing something else would be worse than installing nothing.
struct RoutingEntryReader {
    private let words: [Token]
    private var index = 0
    private let keyword: String

    /// The words an option takes, for one-line blocks (`ListEntries.split`).
    static let routeOptionArity: [String: Int] = [
        "src": 1, "from": 1, "via": 1, "gw": 1, "or": 1, "dev": 1, "oif": 1, "scope": 1, "table": 1, "metric": 1,
        "priority": 1, "preference": 1, "protocol": 1, "tos": 1, "dsfield": 1, "onlink": 0, "mtu": 1, "add": 0,
        "prepend": 0, "append": 0, "no_track": 0, "inet": 0, "inet6": 0, "to": 1,
    ].merging(ignoredRouteOptions) { first, _ in first }

    /// A route type starts an entry and takes the destination with it (`blackhole DEST`).
    static let routeStarters = Dictionary(uniqueKeysWithValues: VirtualRoute.Kind.allCases.map { ($0.rawValue, 1) })

    static let ruleOptionArity: [String: Int] = [
        "from": 1, "to": 1, "table": 1, "lookup": 1, "goto": 1, "nop": 0, "blackhole": 0, "unreachable": 0,
        "prohibit": 0, "type": 1, "preference": 1, "priority": 1, "order": 1, "pref": 1, "tos": 1, "dsfield": 1,
        "fwmark": 1, "iif": 1, "dev": 1, "oif": 1, "no_track": 0, "inet": 0, "inet6": 0, "not": 0,
    ].merging(ignoredRuleOptions) { first, _ in first }

    /// Route options that only tune a route (metrics, realms): keepalived sets them,
    /// vipkeeper ignores them with a warning. The count is the words after the option
    /// (`lock` before a metric's value is one more).
    static let ignoredRouteOptions: [String: Int] = [
        "hoplimit": 1, "advmss": 1, "rtt": 1, "rttvar": 1, "reordering": 1, "window": 1, "cwnd": 1, "ssthresh": 1,
        "realms": 1, "rto_min": 1, "initcwnd": 1, "initrwnd": 1, "features": 1, "quickack": 1, "congctl": 1,
        "pref": 1, "expires": 1, "ttl-propagate": 1, "fastopen_no_cookie": 1,
    ]

    /// Rule options vipkeeper does not set: each changes what the rule matches, so the rule
    /// is left out.
    static let ignoredRuleOptions: [String: Int] = [
        "realms": 1, "suppress_prefixlength": 1, "sup_pl": 1, "suppress_ifgroup": 1, "sup_group": 1, "tunnel-id": 1,
        "uidrange": 1, "l3mdev": 0, "protocol": 1, "ipproto": 1, "sport": 1, "dport": 1,
    ]

    private init(_ words: [Token], keyword: String) {
        self.words = words
        self.keyword = keyword
    }

    // MARK: - Routes

    /// The entries of a `virtual_routes` or `static_routes` block; a bad entry is left out
    /// (reported), as keepalived does.
    static func routes(_ statement: Statement, allowsTrackGroup: Bool, log: inout DiagnosticLog) -> [VirtualRoute] {
        ListEntries.split(statement.block ?? [], of: statement.name, oneLine: statement.isOneLineBlock,
                          optionArity: routeOptionArity, starters: routeStarters, log: &log)
            .compactMap { route($0, keyword: statement.name, allowsTrackGroup: allowsTrackGroup, log: &log) }
    }

    /// One route; nil (with a diagnostic) when keepalived would drop it or vipkeeper cannot
    /// install it as written.
    static func route(_ words: [Token], keyword: String, allowsTrackGroup: Bool, log: inout DiagnosticLog) -> VirtualRoute? {
        var reader = RoutingEntryReader(words, keyword: keyword)
        return reader.readRoute(allowsTrackGroup: allowsTrackGroup, log: &log)
    }

    private mutating func readRoute(allowsTrackGroup: Bool, log: inout DiagnosticLog) -> VirtualRoute? {
        let start = words[0].location
        var family: AddressFamily?
        var destination: (prefix: IPPrefix?, token: Token)?
        var kind = VirtualRoute.Kind.unicast
        var preferredSource: IPAddress?
        var source: IPPrefix?
        var gateways: [IPAddress] = []
        var route = VirtualRoute(family: .ipv4, destination: .any(.ipv4), location: start)
        func agree(_ other: AddressFamily, at token: Token, log: inout DiagnosticLog) -> Bool {
            if let family, family != other {
                log.error(token.location, "`\(keyword)`: cannot mix IPv4 and IPv6 addresses in one route (`\(token.text)` is \(other), the route \(family))")
                return false
            }
            family = other
            return true
        }
        while index < words.count {
            let word = words[index]
            index += 1
            switch word.text {
            case "inet", "inet6":
                guard agree(word.text == "inet" ? .ipv4 : .ipv6, at: word, log: &log) else { return nil }
            case "src":
                guard let value = operand(after: word, log: &log), let address = parseAddress(value, log: &log),
                      agree(address.family, at: value, log: &log) else { return nil }
                preferredSource = address
            case "from":
                guard let value = operand(after: word, log: &log), let prefix = parsePrefix(value, log: &log),
                      agree(prefix?.family ?? family ?? .ipv6, at: value, log: &log) else { return nil }
                guard prefix?.family ?? family ?? .ipv6 == .ipv6 else {
                    log.error(value.location, "`\(keyword)`: `from` is for IPv6 routes only (RTA_SRC), as in keepalived; for IPv4 use a rule (`virtual_rules { from \(value.text) table N }`)")
                    return nil
                }
                source = prefix ?? .any(.ipv6)
            case "via", "gw", "or":
                if word.text == "gw" {
                    log.warning(word.location, "`gw` in a route is deprecated in keepalived; read as `via`")
                }
                if word.text == "or" {
                    guard !gateways.isEmpty else {
                        log.error(word.location, "`or` needs a `via` gateway before it")
                        return nil
                    }
                    log.warning(word.location, "`or` in a route is deprecated in keepalived (\"use nexthop\"); read as a second next hop")
                    if gateways.count > 1 {
                        log.warning(word.location, "only one `or` per route; the next ignored, as keepalived does")
                        index += 1
                        continue
                    }
                }
                if index < words.count, words[index].text == "inet" || words[index].text == "inet6" { index += 1 }
                guard let value = operand(after: word, log: &log), let address = parseAddress(value, log: &log),
                      agree(address.family, at: value, log: &log) else { return nil }
                if word.text == "or" { gateways.append(address) } else { gateways = [address] + gateways.dropFirst() }
            case "dev", "oif":
                guard let value = operand(after: word, log: &log) else { return nil }
                route.device = value.text
            case "scope":
                guard let value = operand(after: word, log: &log) else { return nil }
                guard let scope = RouteScope(value.text) else {
                    log.error(value.location, "`scope` expects global, site, link, host, nowhere or a number from 0 to 255, got `\(value.text)`")
                    return nil
                }
                route.scope = scope
            case "table":
                guard let value = operand(after: word, log: &log), let table = parseTable(value, log: &log) else { return nil }
                route.table = table
            case "metric", "priority", "preference":
                guard let value = operand(after: word, log: &log), let number = parseNumber(value, word: word, log: &log) else { return nil }
                route.metric = number
            case "protocol":
                guard let value = operand(after: word, log: &log) else { return nil }
                guard let proto = RouteProtocol(value.text) else {
                    log.error(value.location, "`protocol` expects a name from iproute2's rt_protos (static, kernel, boot, bird, keepalived, ...) or a number from 0 to 255, got `\(value.text)`")
                    return nil
                }
                route.routeProtocol = proto
            case "tos", "dsfield":
                guard let value = operand(after: word, log: &log), let tos = parseByte(value, word: word, log: &log) else { return nil }
                route.typeOfService = tos
            case "onlink":
                route.onlink = true
            case "mtu":
                if index < words.count, words[index].text == "lock" {
                    log.warning(words[index].location, "`mtu lock` is not supported by vipkeeper; the MTU is set without the lock")
                    index += 1
                }
                guard let value = operand(after: word, log: &log), let mtu = parseNumber(value, word: word, log: &log) else { return nil }
                route.mtu = mtu
            case "add", "prepend", "append":
                route.addMode = VirtualRoute.AddMode(rawValue: word.text) ?? .prepend
            case "no_track":
                route.noTrack = true
            case "track_group" where allowsTrackGroup:
                guard let value = operand(after: word, log: &log) else { return nil }
                log.warning(word.location, "`track_group \(value.text)` is not supported by vipkeeper: the static route is installed whatever the group's interfaces do")
            case "nexthop", "vrf", "encap", "as":
                log.warning(word.location, "`\(word.text)` in a route is a keepalived feature vipkeeper does not support; this route is not installed")
                return nil
            case let option where Self.ignoredRouteOptions[option] != nil:
                if index < words.count, words[index].text == "lock" { index += 1 }
                guard operand(after: word, log: &log) != nil else { return nil }
                log.warning(word.location, "`\(option)` in a route is not supported by vipkeeper; ignored (the route is installed without it)")
            default:
                // keepalived: `[to] [TYPE] DEST`, the destination being any other word.
                var token = word
                if token.text == "to" {
                    guard let next = operand(after: word, log: &log) else { return nil }
                    token = next
                }
                if let type = VirtualRoute.Kind(rawValue: token.text) {
                    kind = type
                    guard let next = operand(after: token, log: &log) else { return nil }
                    token = next
                }
                guard let parsed = parsePrefix(token, unknownWord: true, log: &log) else { return nil }
                if let first = destination {
                    log.error(token.location, "`\(keyword)`: a second destination `\(token.text)` (the first is `\(first.token.text)`)")
                    return nil
                }
                if let parsed, !agree(parsed.family, at: token, log: &log) { return nil }
                destination = (parsed, token)
            }
        }
        guard let destination else {
            log.error(start, "`\(keyword)`: a route needs a destination (`DEST[/LEN]` or `default`)")
            return nil
        }
        let resolved = family ?? .ipv4
        route.family = resolved
        route.destination = destination.prefix ?? .any(resolved)
        route.kind = kind
        route.preferredSource = preferredSource
        route.source = source
        route.gateways = gateways
        return route
    }

    // MARK: - Rules

    /// One rule; its priority is nil when none was written (the caller gives keepalived's).
    static func rule(_ words: [Token], keyword: String, allowsTrackGroup: Bool, log: inout DiagnosticLog) -> (rule: VirtualRule, explicitPriority: Bool)? {
        var reader = RoutingEntryReader(words, keyword: keyword)
        return reader.readRule(allowsTrackGroup: allowsTrackGroup, log: &log)
    }

    private mutating func readRule(allowsTrackGroup: Bool, log: inout DiagnosticLog) -> (rule: VirtualRule, explicitPriority: Bool)? {
        let start = words[0].location
        var family: AddressFamily?
        var action: (VirtualRule.Action, Token)?
        var priority: UInt32?
        var rule = VirtualRule(family: .ipv4, action: .nop, priority: 0, location: start)
        func agree(_ other: AddressFamily, at token: Token, log: inout DiagnosticLog) -> Bool {
            if let family, family != other {
                log.error(token.location, "`\(keyword)`: the rule mixes IPv4 and IPv6 (`\(token.text)` is \(other), the rule \(family))")
                return false
            }
            family = other
            return true
        }
        func set(_ new: VirtualRule.Action, at token: Token, log: inout DiagnosticLog) -> Bool {
            if let action {
                log.error(token.location, "`\(keyword)`: a rule has one of table / goto / nop / blackhole / prohibit / unreachable; `\(action.1.text)` is already given")
                return false
            }
            action = (new, token)
            return true
        }
        while index < words.count {
            let word = words[index]
            index += 1
            switch word.text {
            case "inet", "inet6":
                guard agree(word.text == "inet" ? .ipv4 : .ipv6, at: word, log: &log) else { return nil }
            case "from", "to":
                guard let value = operand(after: word, log: &log), let parsed = parsePrefix(value, log: &log) else { return nil }
                if let parsed, !agree(parsed.family, at: value, log: &log) { return nil }
                let resolved = parsed ?? .any(family ?? .ipv4)
                if word.text == "from" { rule.from = resolved } else { rule.to = resolved }
            case "table", "lookup":
                guard let value = operand(after: word, log: &log), let table = parseTable(value, log: &log),
                      set(.table(table), at: word, log: &log) else { return nil }
            case "goto":
                guard let value = operand(after: word, log: &log), let target = parseNumber(value, word: word, log: &log),
                      set(.goto(target), at: word, log: &log) else { return nil }
            case "nop", "blackhole", "unreachable", "prohibit", "type":
                var token = word
                if word.text == "type" {
                    guard let next = operand(after: word, log: &log) else { return nil }
                    token = next
                }
                let actions: [String: VirtualRule.Action] = ["nop": .nop, "blackhole": .blackhole, "unreachable": .unreachable, "prohibit": .prohibit]
                guard let chosen = actions[token.text] else {
                    log.error(token.location, "`\(keyword)`: invalid rule action `\(token.text)` (blackhole, unreachable, prohibit or nop)")
                    return nil
                }
                guard set(chosen, at: token, log: &log) else { return nil }
            case "preference", "priority", "order", "pref":
                guard let value = operand(after: word, log: &log), let number = parseNumber(value, word: word, log: &log) else { return nil }
                priority = number
            case "tos", "dsfield":
                guard let value = operand(after: word, log: &log), let tos = parseByte(value, word: word, log: &log) else { return nil }
                rule.typeOfService = tos
            case "fwmark":
                guard let value = operand(after: word, log: &log) else { return nil }
                let parts = value.text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                guard let mark = Self.unsigned(parts[0]), parts.count == 1 || Self.unsigned(parts[1]) != nil else {
                    log.error(value.location, "`fwmark` expects MARK or MARK/MASK (decimal or 0x hexadecimal, up to 32 bits), got `\(value.text)`")
                    return nil
                }
                rule.firewallMark = .init(value: mark, mask: parts.count == 2 ? Self.unsigned(parts[1]) : nil)
            case "iif", "dev":
                guard let value = operand(after: word, log: &log) else { return nil }
                rule.inputInterface = value.text
            case "oif":
                guard let value = operand(after: word, log: &log) else { return nil }
                rule.outputInterface = value.text
            case "no_track":
                rule.noTrack = true
            case "track_group" where allowsTrackGroup:
                guard let value = operand(after: word, log: &log) else { return nil }
                log.warning(word.location, "`track_group \(value.text)` is not supported by vipkeeper: the static rule is installed whatever the group's interfaces do")
            case "not":
                log.warning(word.location, "`not` (an inverted rule) is not supported by vipkeeper (libnl cannot set FIB_RULE_INVERT); this rule is not installed")
                return nil
            case let option where Self.ignoredRuleOptions[option] != nil:
                log.warning(word.location, "`\(option)` in a rule is not supported by vipkeeper; this rule is not installed")
                return nil
            default:
                log.error(word.location, "`\(keyword)`: unknown rule option `\(word.text)`" + Suggestion.hint(for: word.text, among: Self.ruleOptionArity.keys))
                return nil
            }
        }
        guard let action else {
            log.error(start, "`\(keyword)`: the rule has no action (table N, goto N, nop, blackhole, unreachable or prohibit); keepalived ignores it, and so does vipkeeper")
            return nil
        }
        if case .goto(let target) = action.0 {
            guard let priority else {
                log.error(action.1.location, "`\(keyword)`: `goto \(target)` needs a `preference` below \(target)")
                return nil
            }
            guard priority < target else {
                log.error(action.1.location, "`\(keyword)`: preference \(priority) must be below the goto target \(target)")
                return nil
            }
        }
        rule.family = family ?? .ipv4
        rule.action = action.0
        rule.priority = priority ?? 0
        return (rule, priority != nil)
    }

    // MARK: - Values

    private mutating func operand(after option: Token, log: inout DiagnosticLog) -> Token? {
        guard index < words.count else {
            log.error(option.location, "`\(option.text)` needs a value")
            return nil
        }
        index += 1
        return words[index - 1]
    }

    private func parseAddress(_ token: Token, log: inout DiagnosticLog) -> IPAddress? {
        guard let address = IPAddress(token.text) else {
            log.error(token.location, "`\(keyword)`: expected an IPv4 or IPv6 address, got `\(token.text)`")
            return nil
        }
        return address
    }

    /// `IP[/LEN]`; `default`, `all` and `any` are the whole space of a family not yet known
    /// (`.some(nil)`). nil after an error.
    private func parsePrefix(_ token: Token, unknownWord: Bool = false, log: inout DiagnosticLog) -> IPPrefix?? {
        if ["default", "all", "any"].contains(token.text) { return .some(nil) }
        let parts = token.text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else {
            if unknownWord {
                log.error(token.location, "`\(keyword)`: unknown route option or destination `\(token.text)`" + Suggestion.hint(for: token.text, among: Self.routeOptionArity.keys))
            } else {
                log.error(token.location, "`\(keyword)`: expected IP[/LEN] or `all`, got `\(token.text)`")
            }
            return nil
        }
        var length = address.maximumPrefixLength
        if parts.count == 2 {
            guard let value = Int(parts[1]), (0...address.maximumPrefixLength).contains(value) else {
                log.error(token.location, "`\(keyword)`: the prefix length of `\(token.text)` must be 0 to \(address.maximumPrefixLength)")
                return nil
            }
            length = value
        }
        return .some(IPPrefix(address: address, length: length))
    }

    private func parseTable(_ token: Token, log: inout DiagnosticLog) -> RoutingTable? {
        guard let table = RoutingTable(token.text) else {
            log.error(token.location, "`table` expects main, local, default or a number from 1 to 4294967295, got `\(token.text)` (vipkeeper does not read /etc/iproute2/rt_tables: write the number)")
            return nil
        }
        return table
    }

    private func parseNumber(_ token: Token, word: Token, log: inout DiagnosticLog) -> UInt32? {
        guard let value = Self.unsigned(token.text) else {
            log.error(token.location, "`\(word.text)` expects a whole number from 0 to 4294967295, got `\(token.text)`")
            return nil
        }
        return value
    }

    private func parseByte(_ token: Token, word: Token, log: inout DiagnosticLog) -> UInt8? {
        guard let value = Self.unsigned(token.text), value <= 255 else {
            log.error(token.location, "`\(word.text)` expects a number from 0 to 255 (decimal or 0x hexadecimal), got `\(token.text)`")
            return nil
        }
        return UInt8(value)
    }

    /// Decimal or `0x` hexadecimal, as iproute2 and keepalived read these numbers.
    static func unsigned(_ text: String) -> UInt32? {
        if text.hasPrefix("0x") || text.hasPrefix("0X") { return UInt32(text.dropFirst(2), radix: 16) }
        return UInt32(text)
    }
}
