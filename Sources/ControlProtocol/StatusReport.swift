#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What `vipkeeper status` shows, as sent over the control socket (JSON).
public struct StatusReport: Codable, Sendable, Equatable {
    public struct Tracker: Codable, Sendable, Equatable {
        public var name: String
        /// `check`, `interface`, `file` or `process`.
        public var kind: String
        public var up: Bool
        public var weight: Int
        public var reverse: Bool
        /// A `track_file`'s number, as last read.
        public var value: Int?
        /// How many processes match a `track_process`, as last counted.
        public var count: Int?

        public init(name: String, kind: String, up: Bool, weight: Int, reverse: Bool, value: Int? = nil, count: Int? = nil) {
            self.name = name
            self.kind = kind
            self.up = up
            self.weight = weight
            self.reverse = reverse
            self.value = value
            self.count = count
        }
    }

    public struct Check: Codable, Sendable, Equatable {
        public var name: String
        public var kind: String
        public var up: Bool
        public var running: Bool
        public var runs: Int
        public var failures: Int
        public var lastResult: String?
        /// How long the last run took, in seconds.
        public var lastDurationSeconds: Double?

        public init(name: String, kind: String, up: Bool, running: Bool, runs: Int, failures: Int, lastResult: String?,
                    lastDurationSeconds: Double?) {
            self.name = name
            self.kind = kind
            self.up = up
            self.running = running
            self.runs = runs
            self.failures = failures
            self.lastResult = lastResult
            self.lastDurationSeconds = lastDurationSeconds
        }
    }

    /// One virtual address of an instance, as the kernel has it.
    public struct VirtualAddress: Codable, Sendable, Equatable {
        /// `10.250.0.100/24 dev eth0`.
        public var address: String
        /// The kernel has it on its device (as far as the last netlink answer and event say).
        public var held: Bool
        /// Failed netlink changes since it was last right; retried every second.
        public var failures: Int
        public var lastError: String?
        /// Present on the device although this instance does not hold it (someone else added it).
        public var foreign: Bool
        /// Gratuitous ARP / neighbour advertisement bursts with a frame that could not be sent.
        public var announceFailures: Int
        /// The kernel lifetime a Master gives it and renews with each advert (`vip_lease`;
        /// routed: on a device with no segment); nil when it lives until removed.
        public var leaseSeconds: Int?
        /// Lease renewals netlink refused (each advert tries again).
        public var renewFailures: Int?

        public init(address: String, held: Bool, failures: Int, lastError: String?, foreign: Bool, announceFailures: Int = 0,
                    leaseSeconds: Int? = nil, renewFailures: Int = 0) {
            self.announceFailures = announceFailures
            self.leaseSeconds = leaseSeconds
            self.renewFailures = leaseSeconds == nil ? nil : renewFailures
            self.address = address
            self.held = held
            self.failures = failures
            self.lastError = lastError
            self.foreign = foreign
        }
    }

    public struct Transition: Codable, Sendable, Equatable {
        public var from: String
        public var to: String
        public var reason: String
        public var secondsAgo: Double
        /// The reason and what led to it, one clause each (`HistoryCause`), nearest first.
        public var causes: [String]?

        public init(from: String, to: String, reason: String, secondsAgo: Double) {
            self.from = from
            self.to = to
            self.reason = reason
            self.secondsAgo = secondsAgo
        }
    }

    /// The outcome of the last SIGHUP.
    public struct Reload: Codable, Sendable, Equatable {
        public var secondsAgo: Double
        public var applied: Bool
        /// The summary (`reload applied: ...`) or why it was refused.
        public var result: String

        public init(secondsAgo: Double, applied: Bool, result: String) {
            self.secondsAgo = secondsAgo
            self.applied = applied
            self.result = result
        }
    }

    /// An instance kept out of the election by the operator (`vipkeeper maintenance on`).
    public struct Maintenance: Codable, Sendable, Equatable {
        public var reason: String
        public var secondsAgo: Double
        /// No adverts, never Master (like FAULT); otherwise a Backup at priority 1.
        public var strict: Bool

        public init(reason: String, secondsAgo: Double, strict: Bool) {
            self.reason = reason
            self.secondsAgo = secondsAgo
            self.strict = strict
        }
    }

    /// A virtual address of an instance that is no longer configured (a reload dropped or
    /// restarted it) whose removal the kernel refused: retried every second until it is gone.
    public struct PendingRemoval: Codable, Sendable, Equatable {
        /// With its prefix, as configured (`10.250.0.100/24`).
        public var address: String
        public var device: String
        /// The instance that held it.
        public var instance: String
        public var failures: Int
        public var lastError: String
        public var secondsAgo: Double

        public init(address: String, device: String, instance: String, failures: Int, lastError: String, secondsAgo: Double) {
            self.address = address
            self.device = device
            self.instance = instance
            self.failures = failures
            self.lastError = lastError
            self.secondsAgo = secondsAgo
        }
    }

    public struct Instance: Codable, Sendable, Equatable {
        public var name: String
        public var state: String
        public var priority: Int
        public var basePriority: Int
        public var virtualRouterID: Int
        public var interface: String
        public var sourceAddress: String
        public var transport: String
        public var virtualAddresses: [VirtualAddress]
        /// Every virtual address is on its device.
        public var holdsVirtualAddresses: Bool
        public var master: String?
        public var fault: String?
        public var preempt: Bool
        public var secondsInState: Double
        public var lastTransition: Transition?
        public var transitions: Int
        public var becameMaster: Int
        public var advertisementsSent: Int
        public var advertisementsReceived: Int
        /// Priority-0 adverts heard: a Master resigning (§6.4.2).
        public var priorityZeroReceived: Int
        /// Adverts the kernel refused to send (link down, no route).
        public var sendErrors: Int
        /// Gratuitous ARPs the kernel refused to send.
        public var gratuitousARPErrors: Int
        /// Virtual addresses put back after someone else deleted them while Master.
        public var addressesRestored: Int
        /// Notify scripts that could not start or did not exit 0.
        public var notifyFailures: Int
        public var drops: [String: Int]
        public var trackers: [Tracker]
        public var maintenance: Maintenance?
        /// Seconds since the last advert of the current Master (Backup only).
        public var lastAdvertSecondsAgo: Double?
        /// Left Master (keepalived `release_master`).
        public var releasedMaster: Int
        public var priorityZeroSent: Int
        /// Adverts from another Master heard while Master (a split brain, or a peer preempting).
        public var otherMasterAdverts: Int
        /// Route and rule changes netlink refused since the start (`virtual_routes`,
        /// `virtual_rules`); nil when the instance has none.
        public var routingFailures: Int?

        public init(name: String, state: String, priority: Int, basePriority: Int, virtualRouterID: Int, interface: String,
                    sourceAddress: String, transport: String, virtualAddresses: [VirtualAddress], holdsVirtualAddresses: Bool,
                    master: String?, fault: String?, preempt: Bool, secondsInState: Double, lastTransition: Transition?,
                    transitions: Int, becameMaster: Int, advertisementsSent: Int, advertisementsReceived: Int,
                    priorityZeroReceived: Int, sendErrors: Int, gratuitousARPErrors: Int, addressesRestored: Int,
                    notifyFailures: Int, drops: [String: Int], trackers: [Tracker], maintenance: Maintenance?,
                    lastAdvertSecondsAgo: Double?, releasedMaster: Int, priorityZeroSent: Int, otherMasterAdverts: Int,
                    routingFailures: Int? = nil) {
            self.routingFailures = routingFailures
            self.releasedMaster = releasedMaster
            self.priorityZeroSent = priorityZeroSent
            self.otherMasterAdverts = otherMasterAdverts
            self.name = name
            self.state = state
            self.priority = priority
            self.basePriority = basePriority
            self.virtualRouterID = virtualRouterID
            self.interface = interface
            self.sourceAddress = sourceAddress
            self.transport = transport
            self.virtualAddresses = virtualAddresses
            self.holdsVirtualAddresses = holdsVirtualAddresses
            self.master = master
            self.fault = fault
            self.preempt = preempt
            self.secondsInState = secondsInState
            self.lastTransition = lastTransition
            self.transitions = transitions
            self.becameMaster = becameMaster
            self.advertisementsSent = advertisementsSent
            self.advertisementsReceived = advertisementsReceived
            self.priorityZeroReceived = priorityZeroReceived
            self.sendErrors = sendErrors
            self.gratuitousARPErrors = gratuitousARPErrors
            self.addressesRestored = addressesRestored
            self.notifyFailures = notifyFailures
            self.drops = drops
            self.trackers = trackers
            self.maintenance = maintenance
            self.lastAdvertSecondsAgo = lastAdvertSecondsAgo
        }

        /// keepalived `use_vmac`: the instance's macvlan.
        public var virtualMAC: VirtualMAC?
        /// Make-before-break releases (`vrrp_handover`); nil before the first one.
        public var handover: Handover?

        /// A planned resignation that keeps the VIPs until the new Master announces itself.
        public struct Handover: Codable, Sendable, Equatable {
            /// Resigned this long ago, still holding the VIPs (a release under way).
            public var waitingSeconds: Double?
            /// How the last release ended: `took over`, `timed out` (nobody announced itself
            /// within the window; released anyway) or `abandoned` (a fault or a second stop).
            public var lastOutcome: String?
            /// The Master whose first advert ended the last wait.
            public var lastNewMaster: String?
            /// From the priority-0 advert to the release.
            public var lastWaitSeconds: Double?
            public var lastSecondsAgo: Double?
            public var tookOver: Int
            public var timedOut: Int
            public var abandoned: Int

            public init(waitingSeconds: Double?, lastOutcome: String?, lastNewMaster: String?, lastWaitSeconds: Double?,
                        lastSecondsAgo: Double?, tookOver: Int, timedOut: Int, abandoned: Int) {
                self.waitingSeconds = waitingSeconds
                self.lastOutcome = lastOutcome
                self.lastNewMaster = lastNewMaster
                self.lastWaitSeconds = lastWaitSeconds
                self.lastSecondsAgo = lastSecondsAgo
                self.tookOver = tookOver
                self.timedOut = timedOut
                self.abandoned = abandoned
            }
        }

        /// Master_Down_Interval (RFC 3768 / RFC 5798 §6.1) of a Backup: longer than this
        /// without a Master's advert, a Backup free to do so would have become Master.
        public var masterDownSeconds: Double?
        /// The Master_Adver_Interval in use (RFC 5798 §6.4.2: a VRRPv3 Backup learns the
        /// Master's; otherwise the configured one).
        public var masterAdvertIntervalSeconds: Double?
        /// Every other router heard on the VRID, most recent first.
        public var peers: [Peer]?

        /// A Backup that has heard no Master for longer than its Master_Down_Interval: one
        /// free to take over would have become Master by then, so it is stuck (its timers, or
        /// its loop) and nobody may be serving its addresses. The silence counts from the last
        /// advert of the current Master, or from entering BACKUP, whichever is later (an
        /// advert heard before the node was last Master says nothing now).
        public var hearsNoMaster: Bool {
            guard state == "BACKUP", let masterDownSeconds else { return false }
            return min(lastAdvertSecondsAgo ?? secondsInState, secondsInState) > masterDownSeconds
        }

        /// An instance's macvlan with the virtual router MAC (RFC 3768 §7.3 / RFC 5798 §7.3).
        public struct VirtualMAC: Codable, Sendable, Equatable {
            public var name: String
            /// `00:00:5e:00:01:33`.
            public var hardwareAddress: String
            /// Whether the macvlan exists now.
            public var present: Bool
            /// `vmac_xmit_base`: adverts on the instance's own interface.
            public var sendsOnBase: Bool
            /// Requests to make it that failed since the instance started, and the last error
            /// while it is being retried.
            public var failures: Int
            public var error: String?

            public init(name: String, hardwareAddress: String, present: Bool, sendsOnBase: Bool, failures: Int, error: String?) {
                self.name = name
                self.hardwareAddress = hardwareAddress
                self.present = present
                self.sendsOnBase = sendsOnBase
                self.failures = failures
                self.error = error
            }
        }
    }

    public var version: String
    public var pid: Int
    public var routerID: String?
    public var uptimeSeconds: Double
    public var configurationFile: String?
    public var lastReload: Reload?
    public var instances: [Instance]
    public var checks: [Check]
    /// Drops that belong to no instance (unknown VRID, unparsable packets), per interface.
    public var interfaceDrops: [String: [String: Int]]
    /// Check or notify children that did not exit after SIGKILL (stuck in the kernel).
    public var stuckChildren: Int
    /// The drill running now, or the last one.
    public var lastDrill: DrillReport?
    /// A raw VRRP socket that could not be opened (an interface re-created under the daemon),
    /// retried every second; nil when every socket is open.
    public var socketError: String?
    /// Addresses of instances no longer configured that are still to be removed.
    public var pendingRemovals: [PendingRemoval]
    /// The `no_accept` drop rules; nil when no instance drops traffic to its addresses.
    public var dropRules: DropRules?
    /// The notify FIFOs (`notify_fifo`, `vrrp_notify_fifo`); nil when none is configured.
    public var notifyFIFOs: [NotifyFIFO]?
    /// `virtual_routes` / `virtual_rules` of every instance and `static_routes` /
    /// `static_rules`; nil when none is configured.
    public var routing: [Routing]?

    /// A route or rule vipkeeper installs, and whether it is in the kernel as wanted.
    public struct Routing: Codable, Sendable, Equatable {
        /// The instance's name, or `static`.
        public var owner: String
        /// `route 10.250.102.0/24 via 10.250.101.1 dev eth0`, `rule 100: from 10.250.101.10 lookup 100`.
        public var entry: String
        /// Added (as its owner is Master, or static while running) and not refused.
        public var installed: Bool
        /// Refusals of the current streak (retried every second); 0 when the last change went through.
        public var failures: Int
        public var lastError: String?

        public init(owner: String, entry: String, installed: Bool, failures: Int, lastError: String?) {
            self.owner = owner
            self.entry = entry
            self.installed = installed
            self.failures = failures
            self.lastError = lastError
        }
    }
    /// How processes are followed for `track_process`: `proc connector`, or the /proc scan
    /// it falls back to with the reason; nil when no process is tracked.
    public var processMonitor: String?
    /// E-mail alerts (`smtp_alert`); nil when none can be sent.
    public var mail: Mail?

    /// What became of the e-mail alerts since the start.
    public struct Mail: Codable, Sendable, Hashable {
        /// `host:port`.
        public var server: String
        public var recipients: Int
        /// Alerts the node asked for (each one message to every recipient).
        public var queued: Int
        public var sent: Int
        /// Refused, timed out or unreachable server.
        public var failed: Int
        /// Dropped because the queue was full (the server slow or down).
        public var dropped: Int
        public var lastError: String?

        public init(server: String, recipients: Int, queued: Int, sent: Int, failed: Int, dropped: Int, lastError: String?) {
            self.server = server
            self.recipients = recipients
            self.queued = queued
            self.sent = sent
            self.failed = failed
            self.dropped = dropped
            self.lastError = lastError
        }
    }

    /// A notify FIFO: the lines the daemon wrote to it, and those it could not.
    public struct NotifyFIFO: Codable, Sendable, Equatable {
        public var path: String
        public var linesWritten: Int
        /// Lines dropped because the pipe was full (its reader is slow or stuck).
        public var linesDropped: Int
        /// Lines not written for another reason (the FIFO could not be made or opened).
        public var failures: Int
        public var lastError: String?

        public init(path: String, linesWritten: Int, linesDropped: Int, failures: Int, lastError: String?) {
            self.path = path
            self.linesWritten = linesWritten
            self.linesDropped = linesDropped
            self.failures = failures
            self.lastError = lastError
        }
    }
    /// How the kernel schedules the daemon (vrrp_rt_priority, max_auto_priority, vrrp_no_swap,
    /// ...); nil from a daemon that predates it.
    public var scheduling: Scheduling?
    /// The transition history's journal.
    public var history: History?

    /// Traffic to these held addresses is dropped (`no_accept`, or `vrrp_strict`).
    public struct DropRules: Codable, Sendable, Equatable {
        public var addresses: [String]
        /// Requests nftables refused since the start.
        public var failures: Int
        /// Why the rules in force are not the wanted ones (retried every second); nil when they are.
        public var error: String?

        public init(addresses: [String], failures: Int, error: String?) {
            self.addresses = addresses
            self.failures = failures
            self.error = error
        }
    }

    public init(version: String, pid: Int, routerID: String?, uptimeSeconds: Double, configurationFile: String?,
                lastReload: Reload?, instances: [Instance], checks: [Check], interfaceDrops: [String: [String: Int]],
                stuckChildren: Int, lastDrill: DrillReport?, socketError: String? = nil, pendingRemovals: [PendingRemoval] = [],
                dropRules: DropRules? = nil, notifyFIFOs: [NotifyFIFO]? = nil, processMonitor: String? = nil,
                scheduling: Scheduling? = nil, routing: [Routing]? = nil, mail: Mail? = nil) {
        self.routing = routing
        self.mail = mail
        self.notifyFIFOs = notifyFIFOs
        self.processMonitor = processMonitor
        self.scheduling = scheduling
        self.socketError = socketError
        self.scheduling = scheduling
        self.dropRules = dropRules
        self.pendingRemovals = pendingRemovals
        self.version = version
        self.pid = pid
        self.routerID = routerID
        self.uptimeSeconds = uptimeSeconds
        self.configurationFile = configurationFile
        self.lastReload = lastReload
        self.instances = instances
        self.checks = checks
        self.interfaceDrops = interfaceDrops
        self.stuckChildren = stuckChildren
        self.lastDrill = lastDrill
    }

    /// The reasons nobody may be serving an address (`vipkeeper status` exit 2, CRITICAL in
    /// the monitoring-plugins convention): an instance in FAULT, a Master without its virtual
    /// addresses, a Backup that hears no Master.
    public var criticalProblems: [String] {
        var reasons: [String] = []
        for instance in instances {
            if let fault = instance.fault { reasons.append("\(instance.name) is in FAULT: \(fault)") }
            if instance.state == "MASTER" && !instance.holdsVirtualAddresses {
                reasons.append("\(instance.name) is MASTER but does not hold all its virtual addresses")
            }
            if instance.hearsNoMaster {
                let silence = Int(min(instance.lastAdvertSecondsAgo ?? instance.secondsInState, instance.secondsInState))
                reasons.append("\(instance.name) is BACKUP and has heard no Master for \(silence) s")
            }
        }
        return reasons
    }

    /// `vipkeeper status`'s exit status in the monitoring-plugins convention: 0 OK, 1 WARNING
    /// (any degradation), 2 CRITICAL (`criticalProblems`).
    public var monitoringStatus: Int32 {
        if !criticalProblems.isEmpty { return 2 }
        return degradations.isEmpty ? 0 : 1
    }

    /// What monitoring should make of the report: every reason the node is not fully healthy,
    /// the critical ones (`criticalProblems`) among them.
    public var degradations: [String] {
        var reasons = criticalProblems
        for instance in instances {
            if let maintenance = instance.maintenance { reasons.append("\(instance.name) is in maintenance: \(maintenance.reason)") }
        }
        for check in checks where !check.up { reasons.append("check \(check.name) is down") }
        if let reload = lastReload, !reload.applied { reasons.append("the last reload was refused") }
        for pending in pendingRemovals {
            reasons.append("\(pending.address) on \(pending.device) of removed instance \(pending.instance) could not be removed: \(pending.lastError)")
        }
        if stuckChildren > 0 { reasons.append("\(stuckChildren) child process(es) did not exit after SIGKILL") }
        if let socketError { reasons.append("a VRRP socket cannot be opened: \(socketError)") }
        if let error = dropRules?.error { reasons.append("the no_accept drop rules cannot be applied: \(error)") }
        for instance in instances {
            if let vmac = instance.virtualMAC, let error = vmac.error {
                reasons.append("\(instance.name): macvlan \(vmac.name) (use_vmac) cannot be made: \(error)")
            }
        }
        for entry in routing ?? [] where entry.failures > 0 {
            reasons.append("\(entry.owner): \(entry.entry) cannot be \(entry.installed ? "removed" : "added"): \(entry.lastError ?? "refused")")
        }
        for problem in scheduling?.problems ?? [] { reasons.append("\(problem.setting) is not in force: \(problem.error)") }
        return reasons
    }

    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    public static func decode(_ text: String) throws -> StatusReport {
        try JSONDecoder().decode(StatusReport.self, from: Data(text.utf8))
    }
}
