/// What changed the number of processes matching a `vrrp_track_process` — it decides which
/// delay applies, as in keepalived 2.2.7's track_process.c: a quorum reached or left through
/// a fork waits `fork_delay` (`check_process_fork`), through an exit `terminate_delay`
/// (`check_process_termination`); through an exec or a name change it counts at once
/// (`check_process`), and so does a full scan of /proc (start, reload).
public enum ProcessCountCause: Hashable, Sendable {
    /// A /proc scan at start or reload: the count is the truth, any pending delay is dropped.
    case scan
    /// A tracked process forked (the child counts as its parent did).
    case fork
    /// A process exec'd or changed its name, and now matches or no longer does.
    case exec
    /// A counted process exited.
    case exit
}
