import VRRP

/// `vrrp_track_process NAME { process NAME [PARAMETERS...]; param_match [initial|partial];
/// weight N [reverse]; quorum N; quorum_max N; fork_delay S; terminate_delay S; delay S;
/// full_command }`: the number of running processes that match, against a quorum.
/// keepalived.conf(5), "VRRP track processes"; keepalived 2.2.7's vrrp_tprocess_* handlers.
public struct TrackProcessDefinition: Hashable, Sendable {
    /// How the parameters after `process NAME` are compared with the process's own
    /// (keepalived's `check_params`).
    public enum ParameterMatch: Hashable, Sendable {
        /// Not compared: only the name (or, with `full_command`, argv[0]) is.
        case none
        /// The parameters are exactly these (`param_match` without a value, or parameters
        /// given); `process NAME` with `param_match` and no parameters means none at all.
        case exact
        /// The first parameters are these, whole; more may follow (`param_match partial`).
        case partial
        /// As `partial`, and the last one given may be the start of the process's
        /// (`param_match initial`).
        case initial
    }

    public var name: String
    public var location: SourceLocation
    /// The process name (`comm`) or, with `fullCommand`, argv[0] exactly.
    public var process: String?
    public var parameters: [String] = []
    public var parameterMatch = ParameterMatch.none
    /// Match /proc/PID/cmdline instead of /proc/PID/comm (set by `full_command`,
    /// `param_match` and by parameters after the name).
    public var fullCommand = false
    /// keepalived's default is 0 (its man page says 1; its code sets none).
    public var weight = TrackerWeight(0)
    /// At least this many matching processes; 0 only with `quorum_max 0`.
    public var quorum = 1
    /// At most this many (nil: no limit); `quorum_max 0` means up only while none runs.
    public var quorumMaximum: Int?
    /// How long a quorum gained by a fork waits before it counts (`fork_delay`, `delay`).
    public var forkDelay = Duration.zero
    /// How long a quorum lost by an exit waits before it counts (`terminate_delay`, `delay`).
    public var terminateDelay = Duration.zero

    public init(name: String, location: SourceLocation) {
        self.name = name
        self.location = location
    }

    /// keepalived's `have_quorum`: quorum ≤ count ≤ quorum_max.
    public func hasQuorum(count: Int) -> Bool {
        count >= quorum && count <= (quorumMaximum ?? Int.max)
    }

    /// The kernel keeps a process name (`comm`) to 15 bytes (TASK_COMM_LEN 16).
    public static let commLimit = 15
}
