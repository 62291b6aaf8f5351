import VRRP

/// Typed access to a statement's arguments; every failure becomes a diagnostic at the
/// offending word and a nil result.
extension Statement {
    var name: String { keyword.text }

    /// Requires between `range.lowerBound` and `range.upperBound` arguments.
    func expectArguments(_ range: ClosedRange<Int>, _ what: String, log: inout DiagnosticLog) -> Bool {
        guard range.contains(arguments.count) else {
            let place = arguments.count > range.upperBound ? arguments[arguments.startIndex + range.upperBound].location : location
            log.error(place, "`\(name)` expects \(what)")
            return false
        }
        return true
    }

    /// The single argument, or nil with an error. keepalived reads the first word of a
    /// one-value keyword and drops the rest without a word (`advert_int 1 1` from a template,
    /// `state BACKUP or MASTER`); vipkeeper reads it the same way and says so, unless `strict`
    /// (its own keywords, where extra words mean a mistake).
    func single(_ what: String, strict: Bool = false, log: inout DiagnosticLog) -> Token? {
        guard let first = arguments.first else {
            _ = expectArguments(1...1, what, log: &log)
            return nil
        }
        if arguments.count > 1 {
            guard !strict else {
                _ = expectArguments(1...1, what, log: &log)
                return nil
            }
            let rest = arguments.dropFirst().map(\.description).joined(separator: " ")
            log.warning(arguments[arguments.startIndex + 1].location, "`\(name)` takes one value: `\(first.text)` is read and `\(rest)` is ignored, as keepalived ignores it")
        }
        return first
    }

    func integer(in range: ClosedRange<Int>, log: inout DiagnosticLog) -> Int? {
        guard let token = single("a whole number from \(range.lowerBound) to \(range.upperBound)", log: &log) else { return nil }
        return Self.integer(token, in: range, keyword: name, log: &log)
    }

    static func integer(_ token: Token, in range: ClosedRange<Int>, keyword: String, log: inout DiagnosticLog) -> Int? {
        guard let value = Int(token.text), range.contains(value) else {
            log.error(token.location, "`\(keyword)` expects a whole number from \(range.lowerBound) to \(range.upperBound), got `\(token.text)`")
            return nil
        }
        return value
    }

    /// Seconds, whole or decimal (`interval 2`, `timeout 0.5`), at least `minimum`.
    func seconds(minimum: Double, maximum: Double = 86_400, log: inout DiagnosticLog) -> Duration? {
        guard let token = single("a number of seconds", log: &log) else { return nil }
        guard let value = Double(token.text), value.isFinite, value >= minimum, value <= maximum else {
            log.error(token.location, "`\(name)` expects seconds from \(Self.format(minimum)) to \(Self.format(maximum)), got `\(token.text)`")
            return nil
        }
        return .microseconds(Int64((value * 1_000_000).rounded()))
    }

    /// The single argument as an IPv4 or IPv6 address.
    func address(log: inout DiagnosticLog) -> IPAddress? {
        guard let token = single("an IPv4 or IPv6 address", log: &log) else { return nil }
        return Self.address(token, keyword: name, log: &log)
    }

    static func address(_ token: Token, keyword: String, log: inout DiagnosticLog) -> IPAddress? {
        guard let address = IPAddress(token.text) else {
            log.error(token.location, "`\(keyword)` expects an IPv4 or IPv6 address, got `\(token.text)`")
            return nil
        }
        return address
    }

    /// The single argument as keepalived reads a source or peer address (`mcast_src_ip`,
    /// `unicast_src_ip`): see `hostAddress(_:keyword:log:)`.
    func hostAddress(log: inout DiagnosticLog) -> IPAddress? {
        guard let token = single("an IPv4 or IPv6 address", log: &log) else { return nil }
        return Self.hostAddress(token, keyword: name, log: &log)
    }

    /// An address as keepalived's `inet_stosockaddr` reads it for `mcast_src_ip`,
    /// `unicast_src_ip` and `unicast_peer`: what follows a `/` or a `-` (a prefix length,
    /// `192.168.1.24/24`, or a range) is ignored, with a warning saying so.
    static func hostAddress(_ token: Token, keyword: String, log: inout DiagnosticLog) -> IPAddress? {
        guard let cut = token.text.firstIndex(where: { $0 == "/" || $0 == "-" }) else {
            return address(token, keyword: keyword, log: &log)
        }
        guard let address = IPAddress(token.text[..<cut]) else {
            log.error(token.location, "`\(keyword)` expects an IPv4 or IPv6 address, got `\(token.text)`")
            return nil
        }
        log.warning(token.location, "`\(keyword)` \(address): `\(token.text[cut...])` is ignored (keepalived reads the address alone, and so does vipkeeper)")
        return address
    }

    /// An IPv4 address only (`brd`, `vrrp_mcast_group4`).
    static func ipv4Address(_ token: Token, keyword: String, log: inout DiagnosticLog) -> IPv4Address? {
        guard let address = IPv4Address(token.text) else {
            log.error(token.location, "`\(keyword)` expects an IPv4 address, got `\(token.text)`")
            return nil
        }
        return address
    }

    /// `advert_int`: seconds with at most two decimals, 0.01 to 255 (which of them a
    /// version accepts is checked once the version is known). Nil with an error otherwise.
    func advertisementInterval(log: inout DiagnosticLog) -> AdvertisementInterval? {
        guard let token = single("seconds: whole (VRRPv2) or 0.01 to 40.95 in steps of 0.01 (VRRPv3)", log: &log) else { return nil }
        let parts = token.text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let digits = parts.allSatisfy { part in !part.isEmpty && part.allSatisfy { $0.isASCII && $0.isNumber } }
        guard digits, parts[0].count <= 3, let whole = Int(parts[0]), parts.count == 1 || parts[1].count <= 2 else {
            log.error(token.location, "`advert_int` expects seconds such as 1 or 0.1 (at most two decimals: VRRPv3 counts centiseconds), got `\(token.text)`")
            return nil
        }
        let fraction = parts.count == 2 ? (Int(parts[1]) ?? 0) * (parts[1].count == 1 ? 10 : 1) : 0
        let centiseconds = whole * 100 + fraction
        guard (1...25_500).contains(centiseconds) else {
            log.error(token.location, "`advert_int` must be from 0.01 to 40.95 s (VRRPv3) or 1 to 255 s (VRRPv2), got `\(token.text)`")
            return nil
        }
        return AdvertisementInterval(centiseconds: UInt16(centiseconds))
    }

    /// A keyword keepalived's handler reads without its arguments (`nopreempt`, `preempt`,
    /// `enable_script_security`, `vrrp_strict`, `init_fail`): written at all, it is on. An
    /// argument that says so (on, true, yes, 1) passes quietly; any other is ignored with a
    /// warning, as keepalived ignores it (`vrrp_strict off` turns strict mode on).
    func ignoringArguments(log: inout DiagnosticLog) {
        guard let argument = arguments.first else { return }
        if arguments.count == 1 && ["on", "true", "yes", "1"].contains(argument.text.lowercased()) { return }
        let ignored = arguments.map(\.description).joined(separator: " ")
        let off = ["off", "false", "no", "0"].contains(argument.text.lowercased())
        log.warning(argument.location, "keepalived ignores what follows `\(name)` (`\(ignored)`) and applies `\(name)` all the same, and so does vipkeeper" + (off ? "; `\(name) \(argument.text)` does not turn it off: remove the line for that" : ""))
    }

    /// A flag keyword: no argument means on; otherwise on|off|true|false|yes|no.
    func flag(log: inout DiagnosticLog) -> Bool? {
        guard expectArguments(0...1, "no argument, or one of on|off|true|false|yes|no", log: &log) else { return nil }
        guard let token = arguments.first else { return true }
        return Self.boolean(token, keyword: name, log: &log)
    }

    static func boolean(_ token: Token, keyword: String, log: inout DiagnosticLog) -> Bool? {
        switch token.text.lowercased() {
        case "on", "true", "yes": return true
        case "off", "false", "no": return false
        default:
            log.error(token.location, "`\(keyword)` expects on|off|true|false|yes|no, got `\(token.text)`")
            return nil
        }
    }

    /// keepalived's `script` (vrrp_script): the first word or quoted string is the command
    /// line; keepalived 2.2.7 ignores every word after it, so `script /x.sh a b` runs `/x.sh`
    /// alone. vipkeeper does the same and warns, saying how to pass the arguments (quote).
    func command(log: inout DiagnosticLog) -> ScriptCommand? {
        let arguments = commandWords
        guard expectArguments(1...Int.max, "a command (quote it when it has arguments: \"/path/check.sh arg\")", log: &log),
              let first = arguments.first else { return nil }
        let command = ScriptCommand(first.text)
        guard command.executable != nil else {
            log.error(location, "`\(name)` has an empty command")
            return nil
        }
        let rest = arguments.dropFirst()
        if let extra = rest.first {
            let ignored = rest.map(\.description).joined(separator: " ")
            var message = "keepalived runs only `\(first.text)` and ignores `\(ignored)` (it reads one word or one quoted string), and so does vipkeeper"
            if !first.quoted {
                let whole = arguments.map(\.text).joined(separator: " ")
                message += "; to run `\(whole)`, quote the command: \(name) \"\(whole)\""
            }
            log.warning(extra.location, message)
        }
        return command
    }

    /// keepalived's notify line (`notify_*`, `notify`, `notify_fifo_script`): COMMAND [USER
    /// [GROUP]], the command one word or one quoted string. Whether USER and GROUP exist is
    /// checked once the file is read (`NotifyUsers`); words after the group are ignored.
    func notifyScript(log: inout DiagnosticLog) -> NotifyScript? {
        guard expectArguments(1...Int.max, "a command (quoted when it has arguments), optionally followed by a user and a group", log: &log),
              let first = commandWords.first else { return nil }
        let command = ScriptCommand(first.text)
        guard command.executable != nil else {
            log.error(location, "`\(name)` has an empty command")
            return nil
        }
        return NotifyScript(command, user: scriptUser(after: 1, log: &log))
    }

    /// `[USER [GROUP]]` from argument `index` on; words after GROUP are ignored with a warning.
    func scriptUser(after index: Int, log: inout DiagnosticLog) -> ScriptUser? {
        let words = commandWords
        guard words.count > index else { return nil }
        if words.count > index + 2 {
            let ignored = words[(index + 2)...].map(\.description).joined(separator: " ")
            log.warning(words[index + 2].location, "keepalived ignores `\(ignored)` after the user and group of `\(name)`, and so does vipkeeper")
        }
        let quoted = index == 1 && !words[0].quoted ? "\"" + words.map(\.text).joined(separator: " ") + "\"" : nil
        return ScriptUser(name: words[index].text, group: words.count > index + 1 ? words[index + 1].text : nil,
                          location: words[index].location, quotedCommand: quoted)
    }

    /// The arguments as keepalived's `alloc_strvec_quoted` reads a command line (`script`,
    /// `notify_*`, `user`): a word that starts with a single quote runs to the word that ends
    /// with one, quotes removed, as a double-quoted string does (`script 'killall -0 haproxy'`
    /// runs `killall` with two arguments).
    var commandWords: [Token] {
        var words: [Token] = []
        var open: Token?
        for token in arguments {
            if var gathering = open {
                gathering.text += (gathering.text.isEmpty ? "" : " ") + token.text
                if !token.quoted && token.text.hasSuffix("'") {
                    gathering.text.removeLast()
                    words.append(gathering)
                    open = nil
                } else {
                    open = gathering
                }
            } else if !token.quoted && token.text.hasPrefix("'") {
                var start = token
                start.text.removeFirst()
                start.quoted = true
                if start.text.hasSuffix("'") {
                    start.text.removeLast()
                    words.append(start)
                } else {
                    open = start
                }
            } else {
                words.append(token)
            }
        }
        if let open { words.append(open) }  // no closing quote: to the end of the line
        return words
    }

    /// `weight N [reverse|noreverse]` starting at argument `index`, or nil with an error.
    static func weight(_ tokens: ArraySlice<Token>, keyword: String, log: inout DiagnosticLog) -> TrackerWeight? {
        guard let first = tokens.first else {
            return nil
        }
        guard let value = integer(first, in: -253...253, keyword: keyword, log: &log) else { return nil }
        var reverse = false
        for extra in tokens.dropFirst() {
            switch extra.text {
            case "reverse": reverse = true
            case "noreverse": reverse = false
            default:
                log.error(extra.location, "unexpected `\(extra.text)` after the weight; only `reverse` or `noreverse` may follow")
                return nil
            }
        }
        return TrackerWeight(value, reverse: reverse)
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
