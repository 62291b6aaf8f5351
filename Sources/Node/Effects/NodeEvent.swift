import VRRP

/// What happens to a node, in the order the runtime saw it. Time comes with every event.
public enum NodeEvent: Equatable, Sendable {
    /// Start every instance (after the initial `interface` and `addresses` reports).
    case start
    /// `start` in a process that follows a running one (`vipkeeper restart`, or `systemctl
    /// restart` with its hand-off): these instances were Master there; they keep their VIPs
    /// and stay Master (`RouterEvent.resumeAsMaster`). Its checks start from the verdicts
    /// the process had, by check name, so a failing check does not pass for a healthy one
    /// until its first run.
    case resume(masters: Set<String>, after: MasterRestart, checkVerdicts: [String: Bool])
    /// SIGTERM: every Master resigns (priority-0 advert) and releases its addresses.
    case stop
    /// `vipkeeper hand-off`: the process exits for a successor that resumes its Masters
    /// (`resume`). Each Master advertises once more, so the peer's Master_Down_Timer runs from
    /// now, and nothing is released: the addresses, routes and macvlans stay for the successor.
    case handOff
    /// One packet from the raw IPv4 VRRP socket of an interface, IPv4 header included.
    case packet([UInt8], interfaceIndex: Int32)
    /// One packet from the raw IPv6 VRRP socket of an interface: an IPv6 raw socket never
    /// shows the header, so the runtime reports source, destination and hop limit.
    case datagram(VRRPDatagram, interfaceIndex: Int32)
    case timerFired(NodeTimer)
    case checkCompleted(CheckRunID, CheckOutcome, duration: Duration)
    /// An interface the configuration names (an instance's, a virtual address's `dev`, a
    /// `track_interface`) as the kernel has it now, read after every netlink link or address
    /// event; nil when no interface has that name (deleted, not yet re-created).
    case interface(String, HostInterface?)
    /// The number in a `track_file` as read now (at start, and after inotify said it changed;
    /// 0 when the file is missing, empty or not a number, as keepalived reads it).
    case trackedFile(String, value: Int)
    /// How many running processes match a `vrrp_track_process` now, and what changed the
    /// count (the proc connector's fork, exec, name change or exit, or a /proc scan).
    case trackedProcess(String, count: Int, cause: ProcessCountCause)
    /// The IPv4 and IPv6 addresses on a device, with prefix and label, as read now (after a
    /// netlink address event or a change of ours).
    case addresses(interfaceIndex: Int32, present: [HostAddress])
    /// A route or rule changed in the kernel (netlink RTM_NEWROUTE / DELROUTE / NEWRULE /
    /// DELRULE, anyone's): what this node installed is asserted again.
    case routingChanged
    /// An effect that the kernel refused.
    case effectFailed(NodeEffect, EffectError)
    /// SIGHUP with a file that loaded and bound: apply it.
    case reload(BoundConfiguration)
    /// SIGHUP with a file that did not load or bind: nothing changes.
    case reloadRefused(String)
    /// A control request from a local client.
    case command(NodeCommand, from: Peer, reply: ReplyID)
    /// A gratuitous ARP (IPv4) or unsolicited neighbour advertisement (IPv6) heard on an
    /// interface (while a drill watches for one).
    case gratuitousARPSeen(interfaceIndex: Int32, address: IPAddress, hardwareAddress: [UInt8])
    /// The SMTP server accepted an alert (`NodeEffect.sendMail`).
    case mailSent(MailAlert)
    /// Maintenance persisted by an earlier run, read back before `start`.
    case restoreMaintenance([MaintenanceRecord], wallClock: Double)
    /// The peers' takeovers persisted by an earlier run (`PeerTakeover`), read back before `start`.
    case restoreTakeovers([PeerTakeover])
}

/// Why an effect failed: an errno or libnl code and its text.
public struct EffectError: Error, Hashable, Sendable, CustomStringConvertible {
    public var code: Int32
    public var message: String

    public init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
