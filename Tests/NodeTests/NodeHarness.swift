#if canImport(Glibc)
import Glibc
#endif
import Config
import Node
import Testing
import VRRP

/// Loads configuration text as `vipkeeper run` would (a scratch file).
func loadConfiguration(_ text: String) throws -> Configuration {
    let path = "/tmp/vipkeeper-node-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).conf"
    let file = try #require(fopen(path, "w"))
    fputs(text, file)
    fclose(file)
    defer { unlink(path) }
    let result = ConfigurationLoader.load(path: path)
    return try #require(result.configuration, "\(result.diagnostics)")
}

/// A pretend machine: `eth0` is ifindex 2 (or `interfaceIndex`) with address 10.250.1.11 and
/// MAC 02:00:00:00:00:01; users and groups are looked up in `users` (the same id for both).
struct PretendHost: HostLookup {
    var interfaceIndex: Int32 = 2
    var users: [String: Int32] = ["harbor": 1000, "nobody": 65534]

    func interface(named name: String) -> HostInterface? {
        switch name {
        case "eth0": eth0(index: interfaceIndex)
        case "lo": loopback
        default: nil
        }
    }

    func interface(holding address: IPAddress) -> String? {
        address == .v4(IPv4Address(10, 250, 1, 11)) ? "eth0" : nil
    }

    func user(named name: String) -> (userID: Int32, groupID: Int32)? { users[name].map { ($0, $0) } }
    func group(named name: String) -> Int32? { users[name] }
}

/// Binds a configuration with the daemon's own binder, on a pretend machine.
func bind(_ configuration: Configuration, interfaceIndex: Int32 = 2) throws -> BoundConfiguration {
    try Binder.bind(configuration, on: PretendHost(interfaceIndex: interfaceIndex))
}

/// Drives a node as the daemon does, in virtual time: keeps its timers, a pretend kernel
/// (addresses on ifindex 2, optionally refusing changes), answers nothing by itself.
final class NodeHarness {
    var node: Node
    var now = Instant.seconds(100)
    var timers: [NodeTimer.Slot: (NodeTimer, Instant)] = [:]
    var kernel: Set<IPAddress> = []
    /// Other forms of addresses on eth0 (another prefix or label), beside `kernel`'s, which
    /// have the configured form.
    var strays: [HostAddress] = []
    var netlinkFails = false
    /// Raw VRRP sockets cannot be opened (`bindTransports` fails).
    var transportsFail = false
    /// nftables refuses the `no_accept` drop rules (`dropTraffic` fails).
    var dropRulesFail = false
    /// The drop rules in force in the pretend nftables.
    var dropped: [DroppedAddress] = []
    /// Netlink refuses route and rule changes (`addRouting` / `removeRouting` fail).
    var routingFails = false
    /// The routes and rules in the pretend kernel.
    var routing: Set<RoutingEntry> = []
    /// eth0's ifindex in the pretend kernel (a re-created interface gets another).
    var interfaceIndex: Int32 = 2
    /// Every effect carried out, in order (tests clear it between steps).
    var effects: [NodeEffect] = []

    init(_ configuration: BoundConfiguration, start: Bool = true) {
        node = Node(configuration: configuration)
        if start { handle(.start) }
    }

    convenience init(_ text: String, start: Bool = true) throws {
        self.init(try bind(loadConfiguration(text)), start: start)
    }

    private var firing = false

    /// Handles an event and, as the daemon does in the same turn, fires the timers due now.
    func handle(_ event: NodeEvent) {
        deliver(event)
        guard !firing else { return }
        firing = true
        advance(to: now)
        firing = false
    }

    /// Through the daemon's own driver (`Node.drive`), this harness carrying out the effects.
    private func deliver(_ event: NodeEvent) {
        var node = self.node
        node.drive(event, now: now, execute: carryOut, readAddresses: { [self] in
            var table: [Int32: [HostAddress]] = [interfaceIndex: []]
            for form in present { table[devices[form.address] ?? interfaceIndex, default: []].append(form) }
            return table
        })
        self.node = node
    }

    private func carryOut(_ produced: [NodeEffect]) -> [NodeEvent] {
        effects += produced
        var failures: [NodeEvent] = []
        for effect in produced {
            switch effect {
            case .armTimer(let timer, let deadline): timers[timer.slot] = (timer, deadline)
            case .cancelTimer(let slot): timers[slot] = nil
            case .addAddress(let change), .renewAddress(let change):
                if netlinkFails { failures.append(.effectFailed(effect, EffectError(code: -6, message: "Object exists"))) }
                else {
                    kernel.insert(change.binding.address.address)
                    forms[change.binding.address.address] = HostAddress(change.binding.address)
                    devices[change.binding.address.address] = change.binding.device.index
                }
            case .removeAddress(let change), .removeLeftoverAddress(let change):
                if netlinkFails { failures.append(.effectFailed(effect, EffectError(code: -1, message: "Operation not permitted"))) }
                else if let stray = strays.firstIndex(where: { $0.isForm(of: change.binding.address) }) { strays.remove(at: stray) }
                else { kernel.remove(change.binding.address.address) }
            case .dropTraffic(let addresses):
                if dropRulesFail { failures.append(.effectFailed(effect, EffectError(code: -1, message: "nftables: Operation not permitted"))) }
                else { dropped = addresses }
            case .addRouting(let change):
                if routingFails { failures.append(.effectFailed(effect, EffectError(code: -19, message: "No such device"))) }
                else { routing.insert(change.entry) }
            case .removeRouting(let change):
                if routingFails { failures.append(.effectFailed(effect, EffectError(code: -1, message: "Operation not permitted"))) }
                else { routing.remove(change.entry) }
            case .drainAddress, .endDrain:
                if routingFails { failures.append(.effectFailed(effect, EffectError(code: -1, message: "Operation not permitted"))) }
            case .bindTransports:
                if transportsFail { failures.append(.effectFailed(effect, EffectError(code: 19, message: "No such device"))) }
            default: break
            }
        }
        return failures
    }

    /// The form each address of `kernel` was added in (a test that sets `kernel` by hand gets
    /// /24, the form of every address `instanceText` configures).
    private var forms: [IPAddress: HostAddress] = [:]
    /// The device each address of `kernel` was added on (`eth0` when not known).
    private var devices: [IPAddress: Int32] = [:]

    /// What the pretend kernel reports on eth0: `kernel`'s addresses in the form they were added
    /// in, and the strays.
    var present: [HostAddress] {
        kernel.sorted { $0.description < $1.description }.map { forms[$0] ?? HostAddress($0, prefixLength: 24) } + strays
    }

    /// Moves time forward, firing due timers in order.
    func advance(to instant: Instant) {
        while let (slot, (timer, deadline)) = timers.min(by: { $0.value.1 < $1.value.1 }), deadline <= instant {
            timers[slot] = nil
            now = deadline
            deliver(.timerFired(timer))
        }
        now = instant
    }

    func advance(by duration: Duration) { advance(to: now + duration) }

    /// Answers every check run started so far (of the check `name`, or of all) with `outcome`.
    func answerChecks(_ outcome: CheckOutcome, named name: String? = nil) {
        func matches(_ effect: NodeEffect) -> CheckRun? {
            if case .runCheck(let run) = effect, name == nil || run.name == name { return run }
            return nil
        }
        let runs = effects.compactMap(matches)
        effects.removeAll { matches($0) != nil }
        for run in runs { handle(.checkCompleted(run.id, outcome, duration: .milliseconds(3))) }
    }

    /// An advert from a peer on eth0, as the raw socket hands it over.
    func receive(priority: UInt8, from source: IPv4Address = IPv4Address(10, 250, 1, 12), vrid: UInt8 = 51, ttl: UInt8 = 255,
                 password: String = "harbor", addresses: [IPv4Address] = [IPv4Address(10, 250, 1, 100)],
                 to destination: IPv4Address = .vrrpMulticastGroup) {
        let advert = Advertisement(virtualRouterID: vrid, priority: priority, interval: .oneSecond,
                                   authentication: .password(password), addresses: addresses.map(IPAddress.v4))
        let payload = advert.encoded(from: .v4(source), to: .v4(destination))
        handle(.packet(IPv4Packet(source: source, destination: destination, ttl: ttl, payload: payload).encoded(),
                       interfaceIndex: interfaceIndex))
    }

    var views: [InstanceView] { node.instanceViews }
    var logs: [String] { effects.compactMap { if case .log(let line) = $0 { line.message } else { nil } } }
    func log(containing text: String) -> Bool { logs.contains { $0.contains(text) } }

    var sends: [Advertisement] {
        effects.compactMap { effect -> Advertisement? in
            guard case .send(let outbound) = effect else { return nil }
            return try? Advertisement.decode(outbound.payload, from: outbound.source, to: outbound.destinations[0])
        }
    }

    var gratuitousARPs: [GratuitousARPRequest] {
        effects.compactMap { if case .gratuitousARP(let request) = $0 { request } else { nil } }
    }
}

/// eth0 as `bind` pretends it is, changed as a test needs.
func eth0(up: Bool = true, index: Int32 = 2, mac: [UInt8] = [2, 0, 0, 0, 0, 1],
          addresses: [IPAddress] = [.v4(IPv4Address(10, 250, 1, 11))]) -> HostInterface {
    HostInterface(name: "eth0", index: index, hardwareAddress: mac, isUp: up, addresses: addresses)
}

/// The loopback as the kernel has it: ifindex 1, no segment (`Device.hasSegment`).
let loopback = HostInterface(name: "lo", index: 1, hardwareAddress: [0, 0, 0, 0, 0, 0], isUp: true,
                             addresses: [.v4(IPv4Address(127, 0, 0, 1))], mtu: 65536, hasSegment: false)

/// One instance as in the Harbor examples: VRID 51 on eth0, PASS auth, VIP 10.250.1.100.
func instanceText(_ name: String = "VI_1", vrid: Int = 51, priority: Int = 150, addresses: String? = nil, extra: String = "") -> String {
    """
    vrrp_instance \(name) {
        interface eth0
        virtual_router_id \(vrid)
        priority \(priority)
        advert_int 1
        authentication {
            auth_type PASS
            auth_pass harbor
        }
        virtual_ipaddress {
            \(addresses ?? "10.250.1.\(vrid == 51 ? 100 : vrid)/24")
        }
    \(extra)}

    """
}
