/// What became of the node's e-mail alerts since the start: `status` shows it.
struct MailCounters: Hashable, Sendable {
    /// Handed to the runtime (`NodeEffect.sendMail`).
    var queued = 0
    /// Accepted by the server.
    var sent = 0
    /// Refused, timed out or unreachable.
    var failed = 0
    /// Not sent because the runtime's queue was full.
    var dropped = 0
    var lastError: String?
    /// A failure is logged once per outage (until a message goes through again); the rest
    /// are counted.
    var failing = false
    /// A full queue is logged once too, until a message goes through again.
    var dropping = false
    /// The event each instance and group was last mailed about (keepalived's
    /// `last_email_state`: the same state is not mailed twice in a row).
    var lastMailed: [NotifyFIFOLine.Subject: NotifyFIFOLine.Event] = [:]
}
