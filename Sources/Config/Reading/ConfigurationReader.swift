import VRRP

/// Reads the statement tree into a `Configuration`: one keyword table per block.
struct ConfigurationReader {
    /// Instance-level `garp_master_*` overrides, applied over `global_defs` at the end
    /// (keepalived lets global_defs come anywhere in the file).
    struct GratuitousARPOverrides {
        var delay: Duration?
        var repeatCount: Int?
        var refresh: Duration??
        var refreshRepeatCount: Int?
        var lowerPriorityRepeatCount: Int?
        var lowerPriorityDelay: Duration?
    }

    struct InstanceReading {
        var definition: InstanceDefinition
        var garp = GratuitousARPOverrides()
        var sawPriority = false
        /// `virtual_ipaddress` entries written, read or not.
        var addressEntries = 0
        /// The `virtual_rules` written without a preference (keepalived gives them one).
        var rulesWithoutPriority: [Int] = []
    }

    private(set) var configuration = Configuration()
    private(set) var garpOverrides: [String: GratuitousARPOverrides] = [:]
    /// Instances whose `state MASTER` came without a `priority`.
    private(set) var masterWithoutPriority: [String] = []
    /// Instances with no `virtual_ipaddress` entry written (one whose entries are all wrong
    /// has errors enough).
    private(set) var withoutAddressEntries: Set<String> = []
    /// keepalived's preference for the next rule written without one, per family: 16384,
    /// then one less each time, in the order of the file (vrrp_iprule.c).
    private var nextRulePriority: [AddressFamily: UInt32] = [.ipv4: 16_384, .ipv6: 16_384]

    /// Gives a rule written without a preference keepalived's, with keepalived's warning.
    mutating func assignPriority(_ rule: inout VirtualRule, log: inout DiagnosticLog) {
        let priority = nextRulePriority[rule.family, default: 16_384]
        nextRulePriority[rule.family] = priority &- 1
        rule.priority = priority
        log.warning(rule.location, "rule without a `preference`: \(priority), as keepalived gives it (one less for each such rule of the family, in file order); write `preference N` to choose the order")
    }

    mutating func read(_ statements: [Statement], log: inout DiagnosticLog) {
        var model = self
        Self.topLevel.read(statements, oneLine: false, into: &model, log: &log)
        self = model
    }

    // MARK: - Top level

    static let topLevel: KeywordTable<ConfigurationReader> = {
        var table = KeywordTable<ConfigurationReader>(context: "the top level")
        table.block("global_defs") { reader, statement, log in
            _ = statement.expectArguments(0...0, "no name", log: &log)
            globals.read(statement.block ?? [], oneLine: statement.isOneLineBlock, into: &reader.configuration.globals, log: &log)
        }
        table.block("vrrp_script") { reader, statement, log in
            guard let name = blockName(statement, log: &log) else { return }
            var script = ScriptCheckDefinition(name: name.text, location: name.location)
            scriptTable.read(statement.block ?? [], oneLine: statement.isOneLineBlock, into: &script, log: &log)
            if script.command == nil {
                log.error(name.location, "vrrp_script `\(name.text)` has no `script`")
            }
            reader.configuration.scripts.append(script)
        }
        for keyword in ["track_file", "vrrp_track_file"] {
            table.block(keyword) { reader, statement, log in
                guard let name = blockName(statement, log: &log) else { return }
                if keyword == "vrrp_track_file" {
                    log.warning(statement.location, "`vrrp_track_file` is keepalived's deprecated name for `track_file`; read as `track_file`")
                }
                var file = TrackFileDefinition(name: name.text, location: name.location)
                trackFileTable.read(statement.block ?? [], oneLine: statement.isOneLineBlock, into: &file, log: &log)
                if file.path == nil {
                    log.error(name.location, "track_file `\(name.text)` has no `file`")
                }
                reader.configuration.trackFiles.append(file)
            }
        }
        table.block("vrrp_track_process") { reader, statement, log in
            guard let name = blockName(statement, log: &log) else { return }
            var process = TrackProcessDefinition(name: name.text, location: name.location)
            trackProcessTable.read(statement.block ?? [], oneLine: statement.isOneLineBlock, into: &process, log: &log)
            // keepalived's vrrp_tprocess_end_handler: an error, and the tracker is dropped.
            guard process.process != nil else {
                log.error(name.location, "vrrp_track_process `\(name.text)` has no `process` (keepalived: process name not specified)")
                return
            }
            reader.configuration.trackProcesses.append(process)
        }
        table.block("vrrp_http_check") { reader, statement, log in
            guard let name = blockName(statement, log: &log) else { return }
            var check = HTTPCheckDefinition(name: name.text, location: name.location)
            httpCheckTable.read(statement.block ?? [], oneLine: statement.isOneLineBlock, into: &check, log: &log)
            if check.url == nil {
                log.error(name.location, "vrrp_http_check `\(name.text)` has no `url`")
            }
            reader.configuration.httpChecks.append(check)
        }
        table.block("vrrp_instance") { reader, statement, log in
            guard let name = blockName(statement, log: &log) else { return }
            var reading = InstanceReading(definition: InstanceDefinition(name: name.text, location: name.location))
            instanceTable.read(statement.block ?? [], oneLine: statement.isOneLineBlock, into: &reading, log: &log)
            if reading.definition.initialState == .master && !reading.sawPriority {
                reader.masterWithoutPriority.append(name.text)
            }
            if reading.addressEntries == 0 {
                reader.withoutAddressEntries.insert(name.text)
            }
            for index in reading.rulesWithoutPriority {
                reader.assignPriority(&reading.definition.virtualRules[index], log: &log)
            }
            reader.garpOverrides[name.text] = reading.garp
            reader.configuration.instances.append(reading.definition)
        }
        table.block("static_routes") { reader, statement, log in
            reader.configuration.staticRoutes += RoutingEntryReader.routes(statement, allowsTrackGroup: true, log: &log)
        }
        table.block("static_rules") { reader, statement, log in
            for entry in ListEntries.split(statement.block ?? [], of: statement.name, oneLine: statement.isOneLineBlock,
                                           optionArity: RoutingEntryReader.ruleOptionArity, log: &log) {
                guard let read = RoutingEntryReader.rule(entry, keyword: "static_rules", allowsTrackGroup: true, log: &log) else { continue }
                var rule = read.rule
                if !read.explicitPriority { reader.assignPriority(&rule, log: &log) }
                reader.configuration.staticRules.append(rule)
            }
        }
        table.block("vrrp_sync_group") { reader, statement, log in
            guard let name = blockName(statement, log: &log) else { return }
            var group = SyncGroupDefinition(name: name.text, location: name.location)
            syncGroupTable.read(statement.block ?? [], oneLine: statement.isOneLineBlock, into: &group, log: &log)
            reader.configuration.syncGroups.append(group)
        }
        return table
    }()

    private static func blockName(_ statement: Statement, log: inout DiagnosticLog) -> Token? {
        guard statement.arguments.count == 1, let name = statement.arguments.first else {
            log.error(statement.location, "`\(statement.name)` expects one name before its `{`")
            return nil
        }
        return name
    }

    // MARK: - global_defs

    static let globals: KeywordTable<GlobalDefinitions> = {
        var table = KeywordTable<GlobalDefinitions>(context: "global_defs")
        table.statement("vmac_prefix") { globals, statement, log in
            guard let token = statement.single("a name prefix", log: &log) else { return }
            guard VirtualMACSetting.isValidInterfaceName(token.text + ".255") else {
                log.error(token.location, "`vmac_prefix \(token.text)`: PREFIX.VRID must be a valid interface name (at most 11 characters, no `/`, `:` or spaces)")
                return
            }
            globals.virtualMACPrefix = token.text
        }
        table.statement("router_id") { globals, statement, log in
            globals.routerID = statement.single("a name", log: &log)?.text
        }
        table.statement("vrrp_mcast_group4") { globals, statement, log in
            guard let token = statement.single("an IPv4 multicast address", log: &log),
                  let group = Statement.ipv4Address(token, keyword: "vrrp_mcast_group4", log: &log) else { return }
            guard group.isMulticast else {
                log.error(statement.arguments.first!.location, "`vrrp_mcast_group4` must be an IPv4 multicast address (224.0.0.0/4), got \(group)")
                return
            }
            globals.multicastGroup = group
        }
        table.statement("vrrp_garp_master_delay") { globals, statement, log in
            if let value = statement.integer(in: 0...86_400, log: &log) { globals.gratuitousARP.delay = .seconds(value) }
        }
        table.statement("vrrp_garp_master_repeat") { globals, statement, log in
            if let value = statement.integer(in: 0...1_000, log: &log) { globals.gratuitousARP.repeatCount = value }
        }
        table.statement("vrrp_garp_master_refresh") { globals, statement, log in
            if let value = statement.integer(in: 0...86_400, log: &log) { globals.gratuitousARP.refresh = value == 0 ? nil : .seconds(value) }
        }
        table.statement("vrrp_garp_master_refresh_repeat") { globals, statement, log in
            if let value = statement.integer(in: 1...1_000, log: &log) { globals.gratuitousARP.refreshRepeatCount = value }
        }
        table.statement("vrrp_garp_lower_prio_repeat") { globals, statement, log in
            if let value = statement.integer(in: 0...1_000, log: &log) { globals.lowerPriorityRepeatCount = value }
        }
        table.statement("vrrp_garp_lower_prio_delay") { globals, statement, log in
            if let value = statement.integer(in: 0...86_400, log: &log) { globals.lowerPriorityDelay = .seconds(value) }
        }
        // keepalived: "delay between gratuitous ARP / unsolicited NA messages sent on an
        // interface", decimal seconds to the microsecond; 0 is its default (keepalived calls
        // an explicit 0 invalid and keeps the default, which is the same thing).
        table.statement("vrrp_garp_interval") { globals, statement, log in
            if let value = statement.seconds(minimum: 0, log: &log) { globals.gratuitousARP.interval = value }
        }
        for keyword in ["vrrp_startup_delay", "vrrp_delay_after_boot"] {
            table.statement(keyword) { globals, statement, log in
                // keepalived keeps the larger of the two.
                if let value = statement.seconds(minimum: 0.001, maximum: Double(UInt32.max) / 1_000_000, log: &log) {
                    globals.startupDelay = max(globals.startupDelay, value)
                }
            }
        }
        table.statement("vrrp_skip_check_adv_addr") { globals, statement, log in
            if let value = statement.flag(log: &log) { globals.skipAddressListCheck = value }
        }
        table.statement("vrrp_min_garp") { globals, statement, log in
            // keepalived: one gratuitous ARP / NA at takeover, no delayed burst, no refresh;
            // what is still at keepalived's default where it stands, as keepalived does.
            guard let value = statement.flag(log: &log), value else { return }
            let defaults = GratuitousARPPolicy.keepalivedDefaults
            if globals.gratuitousARP.repeatCount == defaults.repeatCount { globals.gratuitousARP.repeatCount = 1 }
            if globals.gratuitousARP.delay == defaults.delay { globals.gratuitousARP.delay = .zero }
            if globals.gratuitousARP.refresh == defaults.refresh { globals.gratuitousARP.refresh = nil }
        }
        table.statement("vrrp_down_timer_adverts") { globals, statement, log in
            if let value = statement.integer(in: 1...100, log: &log) { globals.downTimerAdverts = value }
        }
        table.statement("vrrp_gna_interval") { globals, statement, log in
            if let value = statement.seconds(minimum: 0, log: &log) { globals.neighborAdvertisementInterval = value }
        }
        table.statement("vrrp_mcast_group6") { globals, statement, log in
            guard let token = statement.single("an IPv6 multicast address", log: &log) else { return }
            guard let group = IPv6Address(token.text), group.isMulticast else {
                log.error(token.location, "`vrrp_mcast_group6` must be an IPv6 multicast address (ff00::/8), got `\(token.text)`")
                return
            }
            globals.multicastGroup6 = group
        }
        table.statement("vrrp_version") { globals, statement, log in
            guard let value = statement.integer(in: 2...3, log: &log) else { return }
            globals.version = VRRPVersion(rawValue: UInt8(value))
        }
        table.statement("enable_script_security") { globals, statement, log in
            statement.ignoringArguments(log: &log)
            globals.enableScriptSecurity = true
        }
        table.statement("script_user") { globals, statement, log in
            guard let user = statement.scriptUser(after: 0, log: &log) else {
                log.error(statement.location, "`script_user` expects a user name and optionally a group")
                return
            }
            globals.scriptUser = user.name
            globals.scriptGroup = user.group
        }
        let fifos: [(String, WritableKeyPath<GlobalDefinitions, NotifyFIFODefinition> & Sendable)] = [
            ("", \.notifyFIFO), ("vrrp_", \.vrrpNotifyFIFO),
        ]
        for (prefix, fifo) in fifos {
            table.statement(prefix + "notify_fifo") { globals, statement, log in
                guard statement.expectArguments(1...Int.max, "the path of a FIFO, optionally followed by a user and a group", log: &log),
                      let path = statement.arguments.first else { return }
                if let first = globals[keyPath: fifo].path {
                    log.error(path.location, "`\(statement.name)` is given twice; keepalived reports it and keeps the first, `\(first)`")
                    return
                }
                globals[keyPath: fifo].path = path.text
                globals[keyPath: fifo].location = path.location
                globals[keyPath: fifo].user = statement.scriptUser(after: 1, log: &log)
            }
            table.statement(prefix + "notify_fifo_script") { globals, statement, log in
                if let first = globals[keyPath: fifo].script {
                    log.error(statement.location, "`\(statement.name)` is given twice; keepalived reports it and keeps the first, `\(first)`")
                    return
                }
                globals[keyPath: fifo].script = statement.notifyScript(log: &log)
            }
        }
        table.statement("fifo_write_vrrp_states_on_reload") { globals, _, _ in
            globals.fifoWritesStatesOnReload = true  // keepalived takes no argument and ignores any
        }
        table.statement("vrrp_notify_priority_changes") { globals, statement, log in
            if let value = statement.flag(log: &log) { globals.notifyPriorityChanges = value }
        }
        table.statement("vrrp_higher_prio_send_advert") { globals, statement, log in
            if let value = statement.flag(log: &log) { globals.higherPrioritySendAdvert = value }
        }
        table.statement("vrrp_handover") { globals, statement, log in
            guard let token = statement.single("make_before_break or immediate", log: &log) else { return }
            guard let mode = HandoverMode(rawValue: token.text) else {
                log.error(token.location, "vrrp_handover takes make_before_break (keep the VIP until the new Master announces itself) or immediate (release it with the priority-0 advert, as keepalived); `\(token.text)` is neither")
                return
            }
            globals.handover = mode
        }
        table.statement("vrrp_strict") { globals, statement, log in
            statement.ignoringArguments(log: &log)
            globals.strict = true
        }
        table.statement("vrrp_check_unicast_src") { globals, statement, log in
            if let value = statement.flag(log: &log) { globals.checkUnicastSource = value }
        }
        table.statement("metrics_listen") { globals, statement, log in
            guard statement.expectArguments(1...1, "ADDR:PORT, such as 127.0.0.1:9650 or [::1]:9650", log: &log), let argument = statement.arguments.first else { return }
            guard let listen = ListenAddress(argument.text) else {
                log.error(argument.location, "`\(argument.text)` is not ADDR:PORT (an IPv4 address or a bracketed IPv6 one, and a port 1-65535, such as 127.0.0.1:9650 or [::1]:9650)")
                return
            }
            globals.metricsListen = listen
        }
        table.statement("control_group") { globals, statement, log in
            guard statement.expectArguments(1...1, "a group name", log: &log) else { return }
            globals.controlGroup = statement.arguments.first?.text
        }
        schedulingKeywords(&table)
        mailKeywords(&table)
        return table
    }()

    // MARK: - Checks

    /// The keywords of a `track_file` block (keepalived's track_file.c).
    static let trackFileTable: KeywordTable<TrackFileDefinition> = {
        var table = KeywordTable<TrackFileDefinition>(context: "track_file")
        table.statement("file") { file, statement, log in
            if let path = statement.single("a file path", log: &log) { file.path = path.text }
        }
        table.statement("weight") { file, statement, log in
            guard let first = statement.arguments.first else {
                log.error(statement.location, "`weight` expects a number from -254 to 254")
                return
            }
            guard let value = Statement.integer(first, in: -254...254, keyword: "weight", log: &log) else { return }
            var reverse = false
            for extra in statement.arguments.dropFirst() {
                switch extra.text {
                case "reverse": reverse = true
                case "noreverse": reverse = false
                default: log.error(extra.location, "unexpected `\(extra.text)` after the weight; only `reverse` may follow")
                }
            }
            file.weight = TrackerWeight(value, reverse: reverse)
        }
        table.statement("init_file") { file, statement, log in
            var initialization = TrackFileDefinition.Initialization()
            for token in statement.arguments {
                if token.text == "overwrite" {
                    initialization.overwrite = true
                } else if let value = Statement.integer(token, in: -254...254, keyword: "init_file", log: &log) {
                    initialization.value = value
                }
            }
            file.initialization = initialization
        }
        return table
    }()

    /// The keywords of a `vrrp_track_process` block, with keepalived 2.2.7's readings: what
    /// it reports and then ignores ("... - ignoring") is a warning here, the rest an error.
    static let trackProcessTable: KeywordTable<TrackProcessDefinition> = {
        var table = KeywordTable<TrackProcessDefinition>(context: "vrrp_track_process")
        table.statement("process") { process, statement, log in
            guard let first = statement.arguments.first else {
                log.error(statement.location, "`process` expects a process name, then its parameters if they are to be matched")
                return
            }
            guard process.process == nil else {
                log.warning(first.location, "vrrp_track_process `\(process.name)` already has a process; `\(first.text)` ignored, as keepalived does")
                return
            }
            guard Token.requireUTF8(statement.arguments, of: "process", log: &log) else { return }
            process.process = first.text
            let parameters = statement.arguments.dropFirst().map(\.text)
            if !parameters.isEmpty {
                process.parameters = parameters
                if process.parameterMatch == .none { process.parameterMatch = .exact }
                process.fullCommand = true
            }
        }
        table.statement("param_match") { process, statement, log in
            switch statement.arguments.first?.text {
            case nil: process.parameterMatch = .exact
            case "initial": process.parameterMatch = .initial
            case "partial": process.parameterMatch = .partial
            case let other?:
                log.warning(statement.arguments.first?.location ?? statement.location, "invalid `param_match` type `\(other)` (initial or partial, or none for an exact match); ignored, as keepalived does")
                return
            }
            process.fullCommand = true
        }
        table.statement("weight") { process, statement, log in
            guard let first = statement.arguments.first else {
                log.warning(statement.location, "no weight given for vrrp_track_process `\(process.name)`; ignored, as keepalived does")
                return
            }
            guard process.weight.weight == 0 else {
                log.warning(first.location, "vrrp_track_process `\(process.name)` already has a weight; `\(first.text)` ignored, as keepalived does")
                return
            }
            guard let value = Int(first.text), (-254...254).contains(value) else {
                log.warning(first.location, "the weight of vrrp_track_process `\(process.name)` must be from -254 to 254, got `\(first.text)`; ignored, as keepalived does")
                return
            }
            var reverse = false
            if let option = statement.arguments.dropFirst().first {
                if option.text == "reverse" {
                    reverse = true
                } else {
                    log.error(option.location, "vrrp_track_process `\(process.name)`: unknown weight option `\(option.text)` (only `reverse`)")
                }
            }
            process.weight = TrackerWeight(value, reverse: reverse)
        }
        table.statement("quorum") { process, statement, log in
            guard let token = statement.arguments.first, let value = Int(token.text), (1...65_535).contains(value) else {
                log.warning(statement.arguments.first?.location ?? statement.location, "the quorum of vrrp_track_process `\(process.name)` must be from 1 to 65535; ignored, as keepalived does")
                return
            }
            guard value <= (process.quorumMaximum ?? Int.max) else {
                log.warning(token.location, "quorum \(value) is greater than quorum_max \(process.quorumMaximum ?? 0); ignored, as keepalived does")
                return
            }
            process.quorum = value
        }
        table.statement("quorum_max") { process, statement, log in
            guard let token = statement.arguments.first, let value = Int(token.text), (0...65_535).contains(value) else {
                log.warning(statement.arguments.first?.location ?? statement.location, "the quorum_max of vrrp_track_process `\(process.name)` must be from 0 to 65535; ignored, as keepalived does")
                return
            }
            // keepalived: quorum_max 0 is allowed while quorum is left at 1 (and makes it 0).
            if (value != 0 || process.quorum > 1) && value < process.quorum {
                log.warning(token.location, "quorum_max \(value) is less than quorum \(process.quorum); ignored, as keepalived does")
                return
            }
            process.quorumMaximum = value
            if value == 0 {
                process.quorum = 0
            } else if process.quorum == 0 {
                process.quorum = 1
            }
        }
        for keyword in ["delay", "fork_delay", "terminate_delay"] {
            table.statement(keyword) { process, statement, log in
                guard let token = statement.arguments.first, let seconds = Double(token.text), seconds.isFinite,
                      case let micros = (seconds * 1_000_000).rounded(), (1...3_600_000_000).contains(micros) else {
                    log.warning(statement.arguments.first?.location ?? statement.location, "`\(keyword)` of vrrp_track_process `\(process.name)` must be from 0.000001 to 3600 seconds; ignored, as keepalived does")
                    return
                }
                let delay = Duration.microseconds(Int64(micros))
                if keyword != "fork_delay" { process.terminateDelay = delay }
                if keyword != "terminate_delay" { process.forkDelay = delay }
            }
        }
        table.statement("full_command") { process, _, _ in
            process.fullCommand = true
        }
        return table
    }()

    /// Keywords shared by `vrrp_script` and `vrrp_http_check`.
    private static func scheduleKeywords<Model>(_ table: inout KeywordTable<Model>, _ schedule: WritableKeyPath<Model, CheckSchedule> & Sendable) {
        table.statement("interval") { model, statement, log in
            if let value = statement.seconds(minimum: 0.1, log: &log) { model[keyPath: schedule].interval = value }
        }
        table.statement("timeout") { model, statement, log in
            if let value = statement.seconds(minimum: 0.1, log: &log) { model[keyPath: schedule].timeout = value }
        }
        table.statement("weight") { model, statement, log in
            guard statement.expectArguments(1...2, "a weight from -253 to 253, optionally followed by `reverse`", log: &log) else { return }
            if let weight = Statement.weight(statement.arguments, keyword: "weight", log: &log) { model[keyPath: schedule].weight = weight }
        }
        table.statement("rise") { model, statement, log in
            if let value = statement.integer(in: 1...1_000, log: &log) { model[keyPath: schedule].rise = value }
        }
        table.statement("fall") { model, statement, log in
            if let value = statement.integer(in: 1...1_000, log: &log) { model[keyPath: schedule].fall = value }
        }
        table.statement("init_fail") { model, statement, log in
            statement.ignoringArguments(log: &log)
            model[keyPath: schedule].initFail = true
        }
    }

    static let scriptTable: KeywordTable<ScriptCheckDefinition> = {
        var table = KeywordTable<ScriptCheckDefinition>(context: "vrrp_script")
        scheduleKeywords(&table, \.schedule)
        table.statement("script") { script, statement, log in
            script.command = statement.command(log: &log)
        }
        table.statement("user") { script, statement, log in
            guard let user = statement.scriptUser(after: 0, log: &log) else {
                log.error(statement.location, "`user` expects a user name and optionally a group")
                return
            }
            script.user = user.name
            script.group = user.group
        }
        return table
    }()

    static let httpCheckTable: KeywordTable<HTTPCheckDefinition> = {
        var table = KeywordTable<HTTPCheckDefinition>(context: "vrrp_http_check")
        scheduleKeywords(&table, \.schedule)
        table.statement("url") { check, statement, log in
            guard let token = statement.single("an http:// or https:// URL", strict: true, log: &log) else { return }
            guard let url = HTTPCheckURL(token.text) else {
                log.error(token.location, "`url` expects an absolute http:// or https:// URL with a host, got `\(token.text)`")
                return
            }
            check.url = url
        }
        table.statement("method") { check, statement, log in
            guard let token = statement.single("an HTTP method", strict: true, log: &log) else { return }
            let method = token.text.uppercased()
            guard ["GET", "HEAD"].contains(method) else {
                log.error(token.location, "`method` must be GET or HEAD (a health check must not change anything), got `\(token.text)`")
                return
            }
            check.method = method
        }
        table.statement("expect_status") { check, statement, log in
            guard statement.expectArguments(1...Int.max, "one or more HTTP status codes", log: &log) else { return }
            let codes = statement.arguments.compactMap { Statement.integer($0, in: 100...599, keyword: "expect_status", log: &log) }
            if codes.count == statement.arguments.count { check.expectStatus = codes }
        }
        table.statement("expect_body") { check, statement, log in
            check.expectBody = statement.single("the text the body must contain", strict: true, log: &log)?.text
        }
        table.statement("expect_json_field") { check, statement, log in
            guard statement.expectArguments(2...2, "a top-level JSON field name and the string it must equal", log: &log) else { return }
            let words = Array(statement.arguments)
            check.expectJSONField = JSONFieldExpectation(field: words[0].text, value: words[1].text)
        }
        table.statement("require_components") { check, statement, log in
            guard statement.expectArguments(1...Int.max, "one or more Harbor component names", log: &log) else { return }
            check.requireComponents = statement.arguments.map(\.text)
        }
        table.statement("header") { check, statement, log in
            guard let token = statement.single("one quoted header, \"Name: value\"", strict: true, log: &log) else { return }
            guard let colon = token.text.firstIndex(of: ":"), colon != token.text.startIndex else {
                log.error(token.location, "`header` expects \"Name: value\", got `\(token.text)`")
                return
            }
            let name = String(token.text[..<colon]).trimmingWhitespace()
            let value = String(token.text[token.text.index(after: colon)...]).trimmingWhitespace()
            guard !name.contains(where: \.isWhitespace), !token.text.contains("\r") else {
                log.error(token.location, "`header` name must be one word and the header one line, got `\(token.text)`")
                return
            }
            check.headers.append(HTTPHeader(name: name, value: value))
        }
        table.statement("tls_verify") { check, statement, log in
            if let value = statement.flag(log: &log) { check.tlsVerify = value }
        }
        table.statement("ca_file") { check, statement, log in
            check.caFile = statement.single("a path to a PEM file", strict: true, log: &log)?.text
        }
        table.statement("client_certificate") { check, statement, log in
            check.clientCertificate = statement.single("a path to a PEM certificate", strict: true, log: &log)?.text
        }
        table.statement("client_key") { check, statement, log in
            check.clientKey = statement.single("a path to a PEM private key", strict: true, log: &log)?.text
        }
        return table
    }()

    // MARK: - vrrp_instance

    static let instanceTable: KeywordTable<InstanceReading> = {
        var table = KeywordTable<InstanceReading>(context: "vrrp_instance")
        // keepalived (vrrp_state_handler): MASTER or BACKUP, in capitals; anything else is
        // BACKUP, with a warning.
        table.statement("state") { reading, statement, log in
            guard let token = statement.single("MASTER or BACKUP", log: &log) else { return }
            guard let state = InstanceDefinition.InitialState(rawValue: token.text) else {
                let capitals = InstanceDefinition.InitialState(rawValue: token.text.uppercased()) != nil
                log.warning(token.location, "`state` is MASTER or BACKUP, in capitals; keepalived starts an instance with `state \(token.text)` as BACKUP, and so does vipkeeper" + (capitals ? ": write `state \(token.text.uppercased())` if that is meant" : ""))
                reading.definition.initialState = .backup
                return
            }
            reading.definition.initialState = state
        }
        table.statement("interface") { reading, statement, log in
            reading.definition.interface = statement.single("an interface name", log: &log)?.text
        }
        table.statement("virtual_router_id") { reading, statement, log in
            reading.definition.virtualRouterIDLocation = statement.arguments.first?.location ?? statement.location
            if let value = statement.integer(in: 1...255, log: &log) { reading.definition.virtualRouterID = UInt8(value) }
        }
        table.statement("priority") { reading, statement, log in
            reading.sawPriority = true
            reading.definition.priorityLocation = statement.location
            if let value = statement.integer(in: 1...255, log: &log) { reading.definition.priority = UInt8(value) }
        }
        table.statement("version") { reading, statement, log in
            reading.definition.versionLocation = statement.arguments.first?.location ?? statement.location
            guard let value = statement.integer(in: 2...3, log: &log) else { return }
            reading.definition.version = VRRPVersion(rawValue: UInt8(value))
        }
        table.statement("advert_int") { reading, statement, log in
            reading.definition.advertisementIntervalLocation = statement.arguments.first?.location ?? statement.location
            if let interval = statement.advertisementInterval(log: &log) { reading.definition.advertisementInterval = interval }
        }
        table.statement("nopreempt") { reading, statement, log in
            statement.ignoringArguments(log: &log)
            reading.definition.preempt = false
            reading.definition.nopreemptLocation = statement.location
        }
        table.statement("preempt") { reading, statement, log in
            statement.ignoringArguments(log: &log)
            reading.definition.preempt = true
            reading.definition.nopreemptLocation = nil
        }
        table.statement("preempt_delay") { reading, statement, log in
            reading.definition.preemptDelayLocation = statement.location
            if let value = statement.seconds(minimum: 0, maximum: 1000, log: &log) { reading.definition.preemptDelay = value }
        }
        table.statement("fast_preempt") { reading, statement, log in
            if let value = statement.flag(log: &log) { reading.definition.fastPreempt = value }
        }
        table.block("authentication") { reading, statement, log in
            var auth = AuthenticationReading(location: statement.location)
            authenticationTable.read(statement.block ?? [], oneLine: statement.isOneLineBlock, into: &auth, log: &log)
            reading.definition.authentication = auth.resolve(log: &log)
            reading.definition.authenticationLocation = statement.location
        }
        table.statement("mcast_src_ip") { reading, statement, log in
            reading.definition.multicastSourceAddress = statement.hostAddress(log: &log)
            reading.definition.sourceAddressLocation = statement.arguments.first?.location
        }
        table.statement("unicast_src_ip") { reading, statement, log in
            reading.definition.unicastSourceAddress = statement.hostAddress(log: &log)
            reading.definition.sourceAddressLocation = statement.arguments.first?.location
        }
        table.block("unicast_peer") { reading, statement, log in
            let options = ["min_ttl": 1, "max_ttl": 1]
            for entry in ListEntries.split(statement.block ?? [], of: statement.name, oneLine: statement.isOneLineBlock, optionArity: options, log: &log) {
                guard let peer = Statement.hostAddress(entry[0], keyword: "unicast_peer", log: &log) else { continue }
                let range = unicastPeerTTLRange(entry, log: &log)
                if reading.definition.unicastPeers.contains(peer) {
                    // keepalived: "duplicate unicast_peer", the second is skipped and it runs.
                    log.warning(entry[0].location, "duplicate `unicast_peer` \(peer): ignored")
                    continue
                }
                reading.definition.unicastPeers.append(peer)
                reading.definition.unicastPeerLocations.append(entry[0].location)
                if let range { reading.definition.unicastPeerTTLRanges[peer] = range }
            }
        }
        table.statement("unicast_ttl") { reading, statement, log in
            reading.definition.unicastTTLLocation = statement.arguments.first?.location ?? statement.location
            guard let value = statement.integer(in: 0...255, log: &log) else { return }
            if value == 0 {
                // keepalived writes 0 into the header and nothing receives it; the kernel refuses
                // a TTL of 0 on a socket, so vipkeeper sends with 1 (the link only).
                log.warning(statement.arguments[0].location, "`unicast_ttl 0`: a packet with TTL 0 is never delivered; vipkeeper sends with TTL 1")
            }
            reading.definition.unicastTTL = UInt8(max(1, value))
        }
        table.statement("vip_lease") { reading, statement, log in
            reading.definition.addressLeaseLocation = statement.arguments.first?.location ?? statement.location
            if let value = statement.integer(in: 0...86_400, log: &log) { reading.definition.addressLease = value }
        }
        table.statement("check_unicast_src") { reading, statement, log in
            if let value = statement.flag(log: &log) { reading.definition.checkUnicastSource = value }
        }
        table.block("virtual_ipaddress") { reading, statement, log in
            let options = ["brd": 1, "dev": 1, "scope": 1, "label": 1]
            reading.definition.virtualAddressesLocation = statement.location
            // An empty block is an instance without addresses (the validator's rule).
            let entries = ListEntries.split(statement.block ?? [], of: statement.name, oneLine: statement.isOneLineBlock, optionArity: options, log: &log)
            reading.addressEntries += entries.count
            for entry in entries {
                if let address = virtualAddress(entry, log: &log) { reading.definition.virtualAddresses.append(address) }
            }
        }
        table.block("virtual_ipaddress_excluded") { reading, statement, log in
            let options = ["brd": 1, "dev": 1, "scope": 1, "label": 1]
            for entry in ListEntries.split(statement.block ?? [], of: statement.name, oneLine: statement.isOneLineBlock, optionArity: options, log: &log) {
                if let address = virtualAddress(entry, keyword: "virtual_ipaddress_excluded", log: &log) {
                    reading.definition.excludedAddresses.append(address)
                }
            }
        }
        table.block("virtual_routes") { reading, statement, log in
            reading.definition.virtualRoutes += RoutingEntryReader.routes(statement, allowsTrackGroup: false, log: &log)
        }
        table.block("virtual_rules") { reading, statement, log in
            for entry in ListEntries.split(statement.block ?? [], of: statement.name, oneLine: statement.isOneLineBlock,
                                           optionArity: RoutingEntryReader.ruleOptionArity, log: &log) {
                guard let read = RoutingEntryReader.rule(entry, keyword: "virtual_rules", allowsTrackGroup: false, log: &log) else { continue }
                if !read.explicitPriority { reading.rulesWithoutPriority.append(reading.definition.virtualRules.count) }
                reading.definition.virtualRules.append(read.rule)
            }
        }
        table.block("track_interface") { reading, statement, log in
            for tracked in trackerEntries(statement, log: &log) {
                reading.definition.trackedInterfaces.append(TrackedInterface(name: tracked.name, weight: tracked.weightOverride ?? TrackerWeight(0), location: tracked.location))
            }
        }
        table.block("track_file") { reading, statement, log in
            reading.definition.trackedFiles += trackerEntries(statement, log: &log)
        }
        table.block("track_process") { reading, statement, log in
            trackedProcesses(statement, of: "vrrp_instance `\(reading.definition.name)`", into: &reading.definition.trackedProcesses, log: &log)
        }
        table.block("track_script") { reading, statement, log in
            reading.definition.trackedChecks += trackerEntries(statement, log: &log)
        }
        notifyKeywords(&table, \.definition.notify)
        table.statement("notify_priority_changes") { reading, statement, log in
            if let value = statement.flag(log: &log) { reading.definition.notifyPriorityChanges = value }
        }
        table.statement("notify_master_rx_lower_pri") { reading, statement, log in
            guard reading.definition.notify.masterReceivedLowerPriority == nil else {
                log.warning(statement.location, "vrrp_instance `\(reading.definition.name)` already has a notify_master_rx_lower_pri script; this one ignored, as keepalived does")
                return
            }
            reading.definition.notify.masterReceivedLowerPriority = statement.notifyScript(log: &log)
        }
        table.statement("smtp_alert") { reading, statement, log in
            if let value = statement.flag(log: &log) { reading.definition.smtpAlert = value }
        }
        table.statement("notify_deleted") { reading, statement, log in
            reading.definition.notify.reportsDeletion = true
            if !statement.arguments.isEmpty { reading.definition.notify.deleted = statement.notifyScript(log: &log) }
        }
        // keepalived's vrrp_vmac_handler: up to two words, a name and a MAC (a word with a
        // `:` is a MAC, as no interface name has one).
        table.statement("use_vmac") { reading, statement, log in
            var setting = VirtualMACSetting(location: statement.location)
            for word in statement.arguments.prefix(2) {
                if word.text.contains(":") {
                    log.warning(word.location, "`use_vmac` with a MAC address (\(word.text)) is not supported by vipkeeper: the macvlan carries the RFC 3768 §7.3 / RFC 5798 §7.3 virtual router MAC")
                } else if setting.interfaceName != nil {
                    log.error(word.location, "`use_vmac` names its interface twice (\(setting.interfaceName ?? "") and \(word.text))")
                } else if !VirtualMACSetting.isValidInterfaceName(word.text) {
                    log.error(word.location, "`use_vmac \(word.text)`: not a valid interface name (1 to 15 characters, no `/`, `:` or spaces)")
                } else {
                    setting.interfaceName = word.text
                }
            }
            if statement.arguments.count > 2 {
                log.warning(statement.arguments[2].location, "`use_vmac` takes at most a name and a MAC address; `\(statement.arguments[2].text)` and what follows are ignored, as keepalived ignores them")
            }
            setting.sendsOnBase = reading.definition.virtualMAC?.sendsOnBase ?? false
            reading.definition.virtualMAC = setting
        }
        table.statement("vmac_xmit_base") { reading, statement, _ in
            reading.definition.sendsOnBaseLocation = statement.location  // keepalived takes no argument
        }
        table.statement("dont_track_primary") { reading, _, _ in
            reading.definition.dontTrackPrimary = true  // keepalived takes no argument and ignores any
        }
        table.statement("accept") { reading, statement, _ in
            reading.definition.acceptMode = true  // keepalived takes no argument and ignores any
            reading.definition.acceptModeLocation = statement.location
        }
        table.statement("no_accept") { reading, statement, _ in
            reading.definition.acceptMode = false
            reading.definition.acceptModeLocation = statement.location
        }
        table.statement("skip_check_adv_addr") { reading, statement, log in
            if let value = statement.flag(log: &log) { reading.definition.skipAddressListCheck = value }
        }
        table.statement("down_timer_adverts") { reading, statement, log in
            if let value = statement.integer(in: 1...100, log: &log) { reading.definition.downTimerAdverts = value }
        }
        table.statement("garp_master_delay") { reading, statement, log in
            if let value = statement.integer(in: 0...86_400, log: &log) { reading.garp.delay = .seconds(value) }
        }
        table.statement("garp_master_repeat") { reading, statement, log in
            if let value = statement.integer(in: 0...1_000, log: &log) { reading.garp.repeatCount = value }
        }
        table.statement("garp_master_refresh") { reading, statement, log in
            if let value = statement.integer(in: 0...86_400, log: &log) { reading.garp.refresh = .some(value == 0 ? nil : .seconds(value)) }
        }
        table.statement("garp_master_refresh_repeat") { reading, statement, log in
            if let value = statement.integer(in: 1...1_000, log: &log) { reading.garp.refreshRepeatCount = value }
        }
        table.statement("garp_lower_prio_repeat") { reading, statement, log in
            if let value = statement.integer(in: 0...1_000, log: &log) { reading.garp.lowerPriorityRepeatCount = value }
        }
        table.statement("garp_lower_prio_delay") { reading, statement, log in
            if let value = statement.integer(in: 0...86_400, log: &log) { reading.garp.lowerPriorityDelay = .seconds(value) }
        }
        return table
    }()

    /// `NAME [weight N [reverse|noreverse]]`: .some(nil) when no weight is given.
    /// The entries of a `track_interface`, `track_script` or `track_file` block, one
    /// `NAME [weight N [reverse|noreverse]]` each; an entry with a bad weight is left out.
    private static func trackerEntries(_ statement: Statement, log: inout DiagnosticLog) -> [TrackedCheck] {
        let options = ["weight": 1, "reverse": 0, "noreverse": 0]
        return ListEntries.split(statement.block ?? [], of: statement.name, oneLine: statement.isOneLineBlock, optionArity: options, log: &log)
            .compactMap { entry in
                guard let weight = trackerWeight(entry, keyword: statement.name, log: &log) else { return nil }
                return TrackedCheck(name: entry[0].text, weightOverride: weight, location: entry[0].location)
            }
    }

    private static func trackerWeight(_ entry: [Token], keyword: String, log: inout DiagnosticLog) -> TrackerWeight?? {
        guard entry.count > 1 else { return .some(nil) }
        guard entry[1].text == "weight", entry.count >= 3 else {
            log.error(entry[1].location, "unexpected `\(entry[1].text)` after `\(entry[0].text)`; expected `weight N [reverse]`")
            return nil
        }
        guard let weight = Statement.weight(entry[2...], keyword: "weight", log: &log) else { return nil }
        return .some(weight)
    }

    /// The entries of a `track_process` block (of an instance or a sync group, `owner` as
    /// messages name it); a process tracked twice keeps the first, as keepalived does.
    private static func trackedProcesses(_ statement: Statement, of owner: String, into list: inout [TrackedProcess], log: inout DiagnosticLog) {
        let options = ["weight": 1, "reverse": 0, "noreverse": 0]
        for entry in ListEntries.split(statement.block ?? [], of: statement.name, oneLine: statement.isOneLineBlock, optionArity: options, log: &log) {
            guard let tracked = trackedProcess(entry, in: owner, log: &log) else { continue }
            guard !list.contains(where: { $0.name == tracked.name }) else {
                log.warning(entry[0].location, "\(owner) tracks process `\(tracked.name)` twice; the second ignored, as keepalived does")
                continue
            }
            list.append(tracked)
        }
    }

    /// One `track_process` entry, as keepalived's `alloc_track_process` reads it: an unknown
    /// option or a weight without a value drops the entry, a weight out of range keeps the
    /// process's own (each a warning: keepalived says "ignoring"); `reverse` or `noreverse`
    /// may follow the weight.
    private static func trackedProcess(_ entry: [Token], in instance: String, log: inout DiagnosticLog) -> TrackedProcess? {
        var tracked = TrackedProcess(name: entry[0].text, location: entry[0].location)
        guard entry.count > 1 else { return tracked }
        guard entry[1].text == "weight" else {
            log.warning(entry[1].location, "\(instance): unknown track_process option `\(entry[1].text)`; `\(entry[0].text)` ignored, as keepalived does")
            return nil
        }
        guard entry.count > 2 else {
            log.warning(entry[1].location, "\(instance): `weight` without a value for track_process `\(entry[0].text)`; ignored, as keepalived does")
            return nil
        }
        if let value = Int(entry[2].text), (-254...254).contains(value) {
            tracked.weight = value
        } else {
            log.warning(entry[2].location, "\(instance): the weight of track_process `\(entry[0].text)` must be from -254 to 254, got `\(entry[2].text)`; the process's own weight is used, as keepalived does")
        }
        for option in entry.dropFirst(3) {
            switch option.text {
            case "reverse": tracked.reverse = true
            case "noreverse": tracked.reverse = false
            default: log.warning(option.location, "\(instance): unknown weight option `\(option.text)` for track_process `\(entry[0].text)`; ignored, as keepalived does")
            }
        }
        return tracked
    }

    /// The `min_ttl N` / `max_ttl N` options of one `unicast_peer` entry (0...255 each, as in
    /// keepalived's `alloc_vrrp_unicast_peer`); nil when neither is written.
    private static func unicastPeerTTLRange(_ entry: [Token], log: inout DiagnosticLog) -> TTLRange? {
        var range: TTLRange?
        var index = 1
        while index < entry.count {
            let option = entry[index]
            guard option.text == "min_ttl" || option.text == "max_ttl" else {
                log.error(option.location, "unknown `unicast_peer` option `\(option.text)` (expected min_ttl N or max_ttl N)")
                return range
            }
            guard index + 1 < entry.count else {
                log.error(option.location, "`\(option.text)` needs a value")
                return range
            }
            if let value = Statement.integer(entry[index + 1], in: 0...255, keyword: option.text, log: &log) {
                var updated = range ?? .any
                if option.text == "min_ttl" { updated.minimum = UInt8(value) } else { updated.maximum = UInt8(value) }
                range = updated
            }
            index += 2
        }
        if let range, range.isEmpty {
            log.warning(entry[0].location, "`unicast_peer` \(entry[0].text): min_ttl \(range.minimum) > max_ttl \(range.maximum), every advert from it will be dropped")
        }
        return range
    }

    private static func virtualAddress(_ entry: [Token], keyword: String = "virtual_ipaddress", log: inout DiagnosticLog) -> VirtualAddress? {
        let first = entry[0]
        let parts = first.text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let ip = IPAddress(parts[0]) else {
            log.error(first.location, "`\(keyword)` expects IPv4[/PREFIX] or IPv6[/PREFIX], got `\(first.text)`")
            return nil
        }
        if case .v6(let v6) = ip, v6.isMulticast || v6.isLinkLocal {
            log.error(first.location, "`\(keyword)` \(v6) is a \(v6.isMulticast ? "multicast" : "link-local") address; a virtual IPv6 address must be global or unique-local")
            return nil
        }
        var address = VirtualAddress(address: ip, location: first.location)
        if parts.count == 2 {
            guard let prefix = Int(parts[1]), (0...ip.maximumPrefixLength).contains(prefix) else {
                log.error(first.location, "prefix length must be 0 to \(ip.maximumPrefixLength), got `/\(parts[1])`")
                return nil
            }
            address.prefixLength = prefix
        }
        var index = 1
        while index < entry.count {
            let option = entry[index]
            if option.text == "use_vmac" {
                // keepalived: a macvlan for this address's own `dev` (or family); the instance's
                // `use_vmac` already covers an address on its interface and of its family.
                log.warning(option.location, "`use_vmac` on a `\(keyword)` entry (a macvlan of its own for this address) is not supported by vipkeeper; the address is placed as without it (the instance's `use_vmac` covers addresses on its interface)")
                index += 1
                continue
            }
            guard index + 1 < entry.count else {
                log.error(option.location, "`\(option.text)` needs a value")
                return nil
            }
            let value = entry[index + 1]
            switch option.text {
            case "brd":
                guard ip.family == .ipv4 else {
                    log.error(option.location, "`brd` is for IPv4 addresses; IPv6 has no broadcast")
                    return nil
                }
                guard let broadcast = Statement.ipv4Address(value, keyword: "brd", log: &log) else { return nil }
                address.broadcast = broadcast
            case "dev": address.device = value.text
            case "scope":
                guard ["global", "site", "link", "host", "nowhere"].contains(value.text) || Int(value.text) != nil else {
                    log.error(value.location, "`scope` expects global, site, link, host or nowhere, got `\(value.text)`")
                    return nil
                }
                if ip.family == .ipv6 {
                    log.warning(option.location, "`scope` is ignored for an IPv6 address (Linux derives it from the address)")
                }
                address.scope = value.text
            case "label":
                if ip.family == .ipv6 {
                    log.warning(option.location, "`label` is ignored for an IPv6 address (Linux labels IPv4 addresses only)")
                }
                address.label = value.text
            default:
                log.error(option.location, "unknown `\(keyword)` option `\(option.text)`"
                    + Suggestion.hint(for: option.text, among: ["brd", "dev", "scope", "label"]))
                return nil
            }
            index += 2
        }
        return address
    }

    // MARK: - authentication

    struct AuthenticationReading {
        var location: SourceLocation
        var type: Token?
        var password: Token?

        func resolve(log: inout DiagnosticLog) -> Authentication {
            guard let type else {
                log.error(location, "`authentication` needs an `auth_type` (PASS)")
                return .none
            }
            switch type.text.uppercased() {
            case "PASS":
                guard let password, !password.text.isEmpty else {
                    log.error(type.location, "`auth_type PASS` needs an `auth_pass`")
                    return .none
                }
                if password.text.utf8.count > 8 {
                    log.warning(password.location, "`auth_pass` is longer than 8 characters; only the first 8 (`\(String(decoding: password.text.utf8.prefix(8), as: UTF8.self))`) are used, as keepalived does")
                }
                return .password(password.text)
            case "AH":
                log.error(type.location, "`auth_type AH` (IPsec AH) is not supported by vipkeeper; use PASS or no authentication")
                return .none
            default:
                log.error(type.location, "`auth_type` expects PASS or AH, got `\(type.text)`")
                return .none
            }
        }
    }

    static let authenticationTable: KeywordTable<AuthenticationReading> = {
        var table = KeywordTable<AuthenticationReading>(context: "authentication")
        table.statement("auth_type") { auth, statement, log in auth.type = statement.single("PASS or AH", log: &log) }
        table.statement("auth_pass") { auth, statement, log in auth.password = statement.single("a password", log: &log) }
        return table
    }()

    // MARK: - vrrp_sync_group

    static let syncGroupTable: KeywordTable<SyncGroupDefinition> = {
        var table = KeywordTable<SyncGroupDefinition>(context: "vrrp_sync_group")
        table.block("group") { group, statement, log in
            for entry in ListEntries.split(statement.block ?? [], of: statement.name, oneLine: statement.isOneLineBlock, optionArity: [:], log: &log) {
                if let extra = entry.dropFirst().first {
                    log.error(extra.location, "unexpected `\(extra.text)`: `group` lists one vrrp_instance name per entry")
                }
                group.members.append(entry[0].text)
                group.memberLocations.append(entry[0].location)
            }
        }
        notifyKeywords(&table, \.notify)
        table.statement("notify_priority_changes") { group, statement, log in
            if let value = statement.flag(log: &log) { group.notifyPriorityChanges = value }
        }
        // keepalived's `alloc_vrrp_group_track_*`: the same entries as an instance's, followed
        // by every member.
        table.block("track_interface") { group, statement, log in
            for tracked in trackerEntries(statement, log: &log) {
                group.trackedInterfaces.append(TrackedInterface(name: tracked.name, weight: tracked.weightOverride ?? TrackerWeight(0), location: tracked.location))
            }
        }
        table.block("track_script") { group, statement, log in
            group.trackedChecks += trackerEntries(statement, log: &log)
        }
        table.block("track_file") { group, statement, log in
            group.trackedFiles += trackerEntries(statement, log: &log)
        }
        table.block("track_process") { group, statement, log in
            trackedProcesses(statement, of: "vrrp_sync_group `\(group.name)`", into: &group.trackedProcesses, log: &log)
        }
        table.statement("sync_group_tracking_weight") { group, _, _ in
            group.trackingWeight = true  // keepalived takes no argument and ignores any
        }
        table.statement("global_tracking") { group, statement, log in
            log.warning(statement.location, "`global_tracking` is keepalived's deprecated name for `sync_group_tracking_weight` (track objects on the sync group instead); read as `sync_group_tracking_weight`")
            group.trackingWeight = true
        }
        table.statement("smtp_alert") { group, statement, log in
            if let value = statement.flag(log: &log) { group.smtpAlert = value }
        }
        return table
    }()

    private static func notifyKeywords<Model>(_ table: inout KeywordTable<Model>, _ notify: WritableKeyPath<Model, NotifyCommands> & Sendable) {
        let keys: [(String, WritableKeyPath<NotifyCommands, NotifyScript?> & Sendable)] = [
            ("notify_master", \.master), ("notify_backup", \.backup), ("notify_fault", \.fault),
            ("notify_stop", \.stop), ("notify", \.generic),
        ]
        for (keyword, path) in keys {
            table.statement(keyword) { model, statement, log in
                model[keyPath: notify][keyPath: path] = statement.notifyScript(log: &log)
            }
        }
    }
}

extension String {
    /// The text without leading and trailing white space.
    public func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
