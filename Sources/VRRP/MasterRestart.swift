/// What restarted a router that was Master, so that its successor stays Master
/// (`RouterEvent.resumeAsMaster`).
public enum MasterRestart: Hashable, Sendable {
    /// `vipkeeper restart`: a new image of the daemon replaced the process in place.
    case inPlace
    /// A reload changed the instance's configuration, but not the router it is on the wire.
    case reload
}
