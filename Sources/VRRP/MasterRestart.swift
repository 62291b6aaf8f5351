/// What restarted a router that was Master, so that its successor stays Master
/// (`RouterEvent.resumeAsMaster`).
public enum MasterRestart: String, Hashable, Sendable, Codable {
    /// `vipkeeper restart`: a new image of the daemon replaced the process in place.
    case inPlace
    /// `systemctl restart`: the daemon handed off (`vipkeeper hand-off`) and exited keeping
    /// its VIPs; the next process took them.
    case successor
    /// A reload changed the instance's configuration, but not the router it is on the wire.
    case reload
}
