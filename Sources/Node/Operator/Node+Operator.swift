import ControlProtocol
import VRRP

/// An instance in maintenance.
struct MaintenanceEntry: Hashable, Sendable {
    var reason: String
    var since: Instant
    /// Wall-clock seconds since the epoch, for the persisted record.
    var sinceEpoch: Double
    var strict: Bool
}

extension Node {
    /// Why an instance is held out of the normal election, if it is: in strict maintenance
    /// (FAULT), or pinned at priority 1 (maintenance, or a hand-over in progress).
    enum Hold {
        case low
        case out(String)
    }

    func hold(of name: String) -> Hold? {
        if let entry = maintenance[name] { return entry.strict ? .out(entry.reason) : .low }
        if let operation, operation.pins(name) { return .low }
        return nil
    }

    /// Whether the wire is watched for a new Master's gratuitous ARP / unsolicited NA: a drill
    /// times it, and a resigned Master holds its addresses until it is seen.
    public var watchesGratuitousARP: Bool {
        operation?.watchesGratuitousARP ?? false || instances.contains { $0.router.pendingRelease != nil }
    }

    // MARK: - Commands

    mutating func command(_ command: NodeCommand, from peer: Peer, reply: ReplyID, now: Instant) -> [NodeEffect] {
        if command.changesState, let refusal = authorize(peer) {
            return [.reply(reply, ControlReply(outcome: .refused, message: refusal))]
        }
        switch command {
        case .status(let daemon):
            return [.reply(reply, ControlReply(outcome: .ok, status: status(now: now, daemon: daemon)))]
        case .drill(let target, let hold, let timeout, let dryRun):
            return drill(target, hold: hold, timeout: timeout, dryRun: dryRun, reply: reply, now: now)
        case .maintenanceOn(let target, let reason, let strict, let requestedAt):
            return maintenanceOn(target, reason: reason, strict: strict, requestedAt: requestedAt, reply: reply, now: now)
        case .maintenanceOff(let target):
            return maintenanceOff(target, reply: reply, now: now)
        }
    }

    /// Requests that change anything: root, or a member of `control_group`.
    private func authorize(_ peer: Peer) -> String? {
        if peer.userID == 0 { return nil }
        if let group = configuration.controlGroupID, peer.groupIDs.contains(group) { return nil }
        let allowed = configuration.controlGroup.map { "root or members of control_group \($0)" } ?? "root (set control_group in global_defs to allow a group)"
        return "not allowed: only \(allowed) may start a drill or change maintenance; you are uid \(peer.userID)"
    }

    /// The instances a drill or maintenance request names: an instance, a sync group, or (nil)
    /// `whenNone`.
    private func resolve(_ target: String?, whenNone: () -> Result<(String, [String]), Refusal>) -> Result<(String, [String]), Refusal> {
        guard let target else { return whenNone() }
        if let group = configuration.syncGroups.first(where: { $0.name == target }) {
            return .success((group.name, group.members.filter { name in instances.contains { $0.name == name } }))
        }
        guard instances.contains(where: { $0.name == target }) else {
            let names = instances.map(\.name) + configuration.syncGroups.map(\.name)
            return .failure(Refusal("no instance or sync group is named \(target) (there are: \(names.joined(separator: ", ")))"))
        }
        return .success((target, [target]))
    }

    struct Refusal: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    // MARK: - Drill

    private mutating func drill(_ requested: String?, hold: Duration, timeout: Duration, dryRun: Bool, reply: ReplyID,
                                now: Instant) -> [NodeEffect] {
        let resolved = resolve(requested) {
            let groups = configuration.syncGroups
            if instances.count == 1 {
                return .success((instances[0].name, [instances[0].name]))
            }
            if groups.count == 1, Set(groups[0].members) == Set(instances.map(\.name)) {
                return .success((groups[0].name, groups[0].members))
            }
            return .failure(Refusal("this node runs several instances: name one with --instance (\((instances.map(\.name) + groups.map(\.name)).joined(separator: ", ")))"))
        }
        let target: String
        let members: [String]
        switch resolved {
        case .success(let found): (target, members) = found
        case .failure(let refusal): return [.reply(reply, ControlReply(outcome: .refused, message: refusal.message))]
        }
        if let refusal = drillRefusal(target: target, members: members) {
            return [.reply(reply, ControlReply(outcome: .refused, message: refusal))]
        }
        let indices = members.compactMap { name in instances.firstIndex { $0.name == name } }
        let preempt = indices.allSatisfy { instances[$0].bound.router.preempt }
        let window = indices.map { instances[$0].bound.router.handoverWindow }.max() ?? .seconds(2)
        let plan = "hand \(members.joined(separator: ", ")) over (priority-0 advert; the VIPs stay until the new Master has announced itself), wait up to \(window.formattedSeconds) s for another Master, "
            + "let it hold the VIP \(hold.formattedSeconds) s, then " + (preempt ? "take it back (preempt)" : "stay BACKUP (nopreempt)")
        if dryRun {
            return [.reply(reply, ControlReply(outcome: .ok, message: "dry run: would \(plan)"))]
        }
        nextOperationID += 1
        operation = Operation(id: nextOperationID, target: target, members: members,
                              purpose: .drill(hold: hold, timeout: timeout, returnsByPreempt: preempt), startedAt: now)
        operation?.expectsGratuitousARP = indices.contains { instances[$0].addresses.contains { $0.binding.device.hasSegment } }
        var effects: [NodeEffect] = [.log(LogLine(.notice, "drill of \(target): will \(plan)")),
                                     record(.drill(target: target, step: "started: will \(plan)"), of: nil,
                                            causes: [.operatorRequest("vipkeeper drill")], now: now)]
        effects += startHandover(indices, reason: "drill", window: window, now: now)
        effects.append(.reply(reply, ControlReply(outcome: .ok, message: "drill of \(target) started", drill: lastDrill?.drillReport(now: now))))
        return effects
    }

    private func drillRefusal(target: String, members: [String]) -> String? {
        if let operation, !operation.isFinished {
            return "a \(operation.isDrill ? "drill" : "maintenance hand-over") of \(operation.target) is already running"
        }
        for name in members {
            guard let instance = instances.first(where: { $0.name == name }) else { continue }
            if let group = configuration.syncGroup(of: name), group.name != target {
                return "\(name) is in sync group \(group.name): drill the group (--instance \(group.name)) so every member moves together"
            }
            if let entry = maintenance[name] {
                return "\(name) is in maintenance (\(entry.reason)); end it with `vipkeeper maintenance off` first"
            }
            if instance.bound.router.isAddressOwner {
                return "\(name) is the address owner (priority 255): it always holds its addresses, there is nothing to hand over"
            }
            if let fault = instance.router.fault {
                return "\(name) is in FAULT (\(fault)); a drill needs a healthy Master"
            }
            let failing = instance.trackers.entries.filter { entry in
                if case .check = entry.object { return !entry.isUp }
                return false
            }.map(\.object.description)
            if !failing.isEmpty {
                return "\(name) has a failing check (\(failing.joined(separator: ", "))); a drill needs a healthy Master"
            }
            if instance.router.state != .master {
                let master = instance.router.currentMaster.map { " (Master: \($0))" } ?? ""
                return "\(name) is \(instance.router.state) here\(master); run the drill on the Master"
            }
        }
        return nil
    }

    /// Resigns the members (priority-0 advert, VIPs released) and pins them at priority 1;
    /// the operation's timer is the abort deadline.
    private mutating func startHandover(_ indices: [Int], reason: String, window: Duration, now: Instant) -> [NodeEffect] {
        var effects: [NodeEffect] = []
        for index in indices {
            effects += feed(index, .resign(reason: reason), now: now)
        }
        effects += applying(.operatorRequest(reason)) { node in
            indices.flatMap { node.applyTrackers(of: $0, now: now) }
        }
        if let operation {
            effects.append(.armTimer(.operation(operation.id), at: now + window))
        }
        return effects
    }

    // MARK: - Progress

    /// An advert another Master sent for a member (called for every accepted advert).
    mutating func noteAdvert(for index: Int, from source: IPAddress, priority: UInt8, now: Instant) -> [NodeEffect] {
        guard let outcome = operation?.advertHeard(for: instances[index].name, from: source, priority: priority, now: now) else { return [] }
        return perform(outcome, now: now)
    }

    /// Records when the addresses of every member are gone from their devices.
    mutating func noteAddresses(now: Instant) {
        guard let current = operation, !current.isFinished,
              instances.filter({ current.members.contains($0.name) }).allSatisfy({ !$0.holdsAnyAddress && $0.addresses.allSatisfy { !$0.isRemovalRefused } })
        else { return }
        operation?.addressesGone(now: now)
    }

    /// A gratuitous ARP / unsolicited NA heard on the wire, for one of our addresses on its
    /// device from another MAC: a new Master's. A resigned Master holding that address releases
    /// it now (make-before-break); a drill records it.
    mutating func gratuitousARPSeen(on interfaceIndex: Int32, address: IPAddress, from hardwareAddress: [UInt8], now: Instant) -> [NodeEffect] {
        func announces(_ binding: VirtualAddressBinding) -> Bool {
            binding.address.address == address && binding.device.index == interfaceIndex && binding.device.hardwareAddress != hardwareAddress
        }
        var effects: [NodeEffect] = []
        for index in instances.indices where instances[index].router.pendingRelease != nil
            && instances[index].addresses.contains(where: { announces($0.binding) }) {
            effects += feed(index, .newMasterAnnounced, now: now)
        }
        guard let current = operation, current.watchesGratuitousARP else { return effects }
        let ours = instances.filter { current.members.contains($0.name) }.flatMap(\.addresses).map(\.binding)
        if ours.contains(where: announces) { operation?.gratuitousARPHeard(now: now) }
        return effects
    }

    /// A member changed state (the return leg ends when every member is Master again).
    mutating func noteTransition(of index: Int, to state: RouterState, now: Instant) -> [NodeEffect] {
        guard state == .master, let members = operation?.members, members.contains(instances[index].name),
              instances.filter({ members.contains($0.name) }).allSatisfy({ $0.router.state == .master }),
              let outcome = operation?.everyMemberIsMaster(now: now) else { return [] }
        return perform(outcome, now: now)
    }

    /// The operation's timer: abort, end of the hold, or the return leg's deadline.
    mutating func operationTimer(_ id: UInt64, now: Instant) -> [NodeEffect] {
        guard operation?.id == id, let outcome = operation?.deadlinePassed(now: now) else { return [] }
        return perform(outcome, now: now)
    }

    /// A reload restarted or removed a member: the operation cannot go on.
    mutating func interruptOperation(keeping names: Set<String>, now: Instant) -> [NodeEffect] {
        guard let outcome = operation?.reloaded(keeping: names) else { return [] }
        return perform(outcome, now: now)
    }

    /// The effects of what the operation decided: its timer, logs, the members' pins (through
    /// their trackers), the maintenance request's reply.
    private mutating func perform(_ outcome: Operation.Outcome, now: Instant) -> [NodeEffect] {
        guard let current = operation else { return [] }
        let indices = current.members.compactMap { name in instances.firstIndex { $0.name == name } }
        switch outcome {
        case .nothing:
            return []
        case .holding(let takeover, let until):
            let step = "\(takeover.master) took over in \((takeover.at - current.startedAt).formattedMilliseconds); holding \((until - now).formattedSeconds) s"
            let persist = noteTakeover(takeover, of: indices)
            return [persist, .log(LogLine(.notice, "drill of \(current.target): \(step)")),
                    record(.drill(target: current.target, step: step), of: nil, causes: [], now: now),
                    .armTimer(.operation(current.id), at: until)]
        case .returning(let deadline):
            let effects: [NodeEffect] = [.armTimer(.operation(current.id), at: deadline)]
            return effects + applying(.operatorRequest("drill: the hold is over, taking the VIP back")) { node in
                indices.flatMap { node.applyTrackers(of: $0, now: now) }
            }
        case .finished(let verdict):
            var effects: [NodeEffect] = []
            if case .handedOver(let takeover) = verdict { effects.append(noteTakeover(takeover, of: indices)) }
            if current.isDrill {
                effects.append(record(.drill(target: current.target, step: verdict.passed ? "PASSED: \(verdict)" : "FAILED: \(verdict)"), of: nil,
                                      causes: [], now: now))
            }
            return effects + finished(current, verdict, indices: indices, now: now)
        }
    }

    /// The end of an operation: a maintenance hand-over enters maintenance or is refused, a
    /// drill logs its verdict; with no takeover the members take the VIP back at once.
    private mutating func finished(_ current: Operation, _ verdict: Operation.Verdict, indices: [Int], now: Instant) -> [NodeEffect] {
        let members = current.members.joined(separator: ", ")
        var maintenanceReply: ReplyID?
        if case .maintenance(_, _, _, let reply) = current.purpose { maintenanceReply = reply }
        switch verdict {
        case .handedOver(let takeover):
            guard case .maintenance(let reason, let strict, let requestedAt, let reply) = current.purpose else { return [] }
            var effects: [NodeEffect] = [.cancelTimer(.operation)]
            effects += enterMaintenance(current.members, reason: reason, strict: strict, requestedAt: requestedAt, now: now)
            effects.append(.reply(reply, ControlReply(outcome: .ok, message: "\(members) in maintenance: \(takeover.master) took over in \((takeover.at - current.startedAt).formattedMilliseconds)")))
            return effects
        case .tookBack:
            return [.cancelTimer(.operation), .log(LogLine(.notice, "drill of \(current.target): PASSED; \(verdict)"))]
        case .staysBackup:
            var effects: [NodeEffect] = [.log(LogLine(.notice, "drill of \(current.target): PASSED; stays BACKUP (nopreempt)"))]
            for index in indices { effects += applyTrackers(of: index, now: now) }
            return effects
        case .noTakeover(let within):
            // Nobody took over: take the VIP back at once — the most useful thing a drill finds.
            var effects: [NodeEffect] = [.log(LogLine(.error, "\(current.isDrill ? "drill" : "maintenance hand-over") of \(current.target): FAILED: \(verdict)"))]
            for index in indices {
                effects += applyTrackers(of: index, now: now)
                effects += feed(index, .takeOver(reason: "\(current.isDrill ? "drill" : "maintenance") aborted: no backup took over"), now: now)
            }
            if let reply = maintenanceReply {
                effects.append(.reply(reply, ControlReply(outcome: .refused, message: "no peer took over within \(within.formattedSeconds) s: \(members) stays MASTER, not in maintenance")))
            }
            return effects
        case .notTakenBack:
            return [.log(LogLine(.error, "drill of \(current.target): FAILED: \(verdict)"))]
        case .interrupted:
            var effects: [NodeEffect] = [.cancelTimer(.operation)]
            if let reply = maintenanceReply {
                effects.append(.reply(reply, ControlReply(outcome: .refused, message: "interrupted by a reload")))
            }
            return effects
        }
    }

    /// A peer took over from the members: it proved ready (`PeerTakeover`), which is kept.
    private mutating func noteTakeover(_ takeover: Operation.Takeover, of indices: [Int]) -> NodeEffect {
        for index in indices {
            takeovers[instances[index].name, default: [:]][takeover.master] = takeover.at
        }
        return .persistTakeovers(takeoverRecords)
    }

    /// What is persisted: the last takeover of each peer of each instance.
    var takeoverRecords: [PeerTakeover] {
        takeovers.sorted { $0.key < $1.key }.flatMap { instance, peers in
            peers.sorted { $0.key.description < $1.key.description }.map { PeerTakeover(instance: instance, peer: $0.key, at: $0.value) }
        }
    }

    /// Takeovers read back at start.
    mutating func restore(_ records: [PeerTakeover]) {
        for record in records {
            let known = takeovers[record.instance]?[record.peer]
            if known.map({ $0 < record.at }) ?? true { takeovers[record.instance, default: [:]][record.peer] = record.at }
        }
    }

    /// The drill among the operations (the current one if it is a drill).
    var lastDrill: Operation? {
        if let operation, operation.isDrill { return operation }
        return previousDrill
    }

    // MARK: - Maintenance

    private mutating func maintenanceOn(_ requested: String?, reason: String, strict: Bool, requestedAt: Double, reply: ReplyID,
                                        now: Instant) -> [NodeEffect] {
        let target: String
        let members: [String]
        switch resolve(requested, whenNone: { .success(("every instance", instances.map(\.name))) }) {
        case .success(let found): (target, members) = found
        case .failure(let refusal): return [.reply(reply, ControlReply(outcome: .refused, message: refusal.message))]
        }
        if let operation, !operation.isFinished {
            return [.reply(reply, ControlReply(outcome: .refused, message: "a \(operation.isDrill ? "drill" : "maintenance hand-over") of \(operation.target) is running; try again when it ends"))]
        }
        if let owner = members.first(where: { name in instances.contains { $0.name == name && $0.bound.router.isAddressOwner } }) {
            return [.reply(reply, ControlReply(outcome: .refused, message: "\(owner) is the address owner (priority 255): it always holds its addresses"))]
        }
        let masters = members.compactMap { name in instances.firstIndex { $0.name == name && $0.router.state == .master } }
        guard !masters.isEmpty else {
            var effects = enterMaintenance(members, reason: reason, strict: strict, requestedAt: requestedAt, now: now)
            effects.append(.reply(reply, ControlReply(outcome: .ok, message: "\(members.joined(separator: ", ")) in maintenance\(strict ? " (strict)" : "")")))
            return effects
        }
        // A Master hands over first, as a drill does; with no peer to take over it stays Master.
        nextOperationID += 1
        if let finished = operation, finished.isDrill { previousDrill = finished }
        operation = Operation(id: nextOperationID, target: target, members: members,
                              purpose: .maintenance(reason: reason, strict: strict, requestedAt: requestedAt, reply: reply),
                              startedAt: now)
        let window = masters.map { instances[$0].bound.router.handoverWindow }.max() ?? .seconds(2)
        return [.log(LogLine(.notice, "maintenance of \(target): handing over"))]
            + startHandover(members.compactMap { name in instances.firstIndex { $0.name == name } }, reason: "maintenance: \(reason)",
                            window: window, now: now)
    }

    mutating func enterMaintenance(_ members: [String], reason: String, strict: Bool, requestedAt: Double, now: Instant) -> [NodeEffect] {
        var effects: [NodeEffect] = []
        for name in members {
            maintenance[name] = MaintenanceEntry(reason: reason, since: now, sinceEpoch: requestedAt, strict: strict)
            effects.append(.log(LogLine(.notice, "[\(name)] maintenance on\(strict ? " (strict: no adverts, never Master)" : " (Backup at priority 1)"): \(reason)")))
            if let index = instances.firstIndex(where: { $0.name == name }) {
                effects.append(record(.maintenance(on: true, reason: reason), of: index, causes: [.operatorRequest("vipkeeper maintenance on")], now: now))
            }
        }
        effects += applying(.maintenance(reason)) { node in
            node.instances.indices.filter { members.contains(node.instances[$0].name) }.flatMap { node.applyTrackers(of: $0, now: now) }
        }
        effects.append(.persistMaintenance(maintenanceRecords))
        return effects
    }

    private mutating func maintenanceOff(_ requested: String?, reply: ReplyID, now: Instant) -> [NodeEffect] {
        let members: [String]
        switch resolve(requested, whenNone: { .success(("every instance", instances.map(\.name))) }) {
        case .success(let found): members = found.1.filter { maintenance[$0] != nil }
        case .failure(let refusal): return [.reply(reply, ControlReply(outcome: .refused, message: refusal.message))]
        }
        guard !members.isEmpty else {
            return [.reply(reply, ControlReply(outcome: .ok, message: "nothing is in maintenance"))]
        }
        var effects: [NodeEffect] = []
        for name in members {
            maintenance[name] = nil
            effects.append(.log(LogLine(.notice, "[\(name)] maintenance off: back in the election")))
            if let index = instances.firstIndex(where: { $0.name == name }) {
                effects.append(record(.maintenance(on: false, reason: nil), of: index, causes: [.operatorRequest("vipkeeper maintenance off")], now: now))
            }
        }
        effects += applying(.operatorRequest("vipkeeper maintenance off")) { node in
            node.instances.indices.filter { members.contains(node.instances[$0].name) }.flatMap { node.applyTrackers(of: $0, now: now) }
        }
        effects.append(.persistMaintenance(maintenanceRecords))
        effects.append(.reply(reply, ControlReply(outcome: .ok, message: "\(members.joined(separator: ", ")) back in the election")))
        return effects
    }

    /// What is persisted under the state directory.
    var maintenanceRecords: [MaintenanceRecord] {
        maintenance.sorted { $0.key < $1.key }.map {
            MaintenanceRecord(instance: $0.key, reason: $0.value.reason, since: $0.value.sinceEpoch, strict: $0.value.strict)
        }
    }

    /// Maintenance read back at start (`wallClock`: seconds since the epoch now). The file is
    /// outside data: a start time that is no time (NaN, infinite, negative, past the epoch's
    /// range) or lies in the future is logged and counted from now, never converted as it is.
    mutating func restore(_ records: [MaintenanceRecord], wallClock: Double, now: Instant) -> [NodeEffect] {
        var effects: [NodeEffect] = []
        for record in records where instances.contains(where: { $0.name == record.instance }) {
            var sinceEpoch = record.since
            let age = Self.age(since: record.since, wallClock: wallClock)
            if age == nil {
                effects.append(.log(LogLine(.warning, "[\(record.instance)] the maintenance record's start time \(record.since) is not a usable time; counting its age from now")))
                sinceEpoch = wallClock
            }
            maintenance[record.instance] = MaintenanceEntry(reason: record.reason, since: Instant(sinceOrigin: now.sinceOrigin - (age ?? .zero)),
                                                            sinceEpoch: sinceEpoch, strict: record.strict)
            effects.append(.log(LogLine(.notice, "[\(record.instance)] still in maintenance\(record.strict ? " (strict)" : ""): \(record.reason)")))
        }
        return effects
    }

    /// How long ago `since` (seconds since the epoch) was, in whole milliseconds; nil when it
    /// is not a time between the epoch and `wallClock`.
    static func age(since: Double, wallClock: Double) -> Duration? {
        guard since >= 0, since <= wallClock, let millis = Int64(exactly: ((wallClock - since) * 1000).rounded()) else { return nil }
        return .milliseconds(millis)
    }
}

extension Duration {
    /// `0.614 s`.
    var formattedMilliseconds: String {
        let millis = Int((secondsValue * 1000).rounded())
        return "\(millis / 1000).\(String(String(millis % 1000 + 1000).dropFirst())) s"
    }
}
