/// How a Master gives its addresses up on a planned move: a drill, maintenance, a stop.
///
/// RFC 3768 §6.4.3 and RFC 5798 §6.4.3 ("Shutdown": send an ADVERTISEMENT with Priority = 0,
/// transition to Initialize) leave the addresses unanswered from the priority-0 advert until
/// the Backup's Skew_Time has run out and its gratuitous ARP has reached the clients.
/// vipkeeper's default keeps them until the new Master has announced itself (its first advert,
/// then its gratuitous ARP / NA): the address is answered by a healthy node throughout, and
/// two nodes hold it only between the new Master's adding it and this node's removal.
public enum HandoverMode: String, Hashable, Sendable {
    /// Keep the addresses after the priority-0 advert until another Master has announced
    /// itself (`PendingRelease`), or the handover window passes.
    case makeBeforeBreak = "make_before_break"
    /// Remove them with the priority-0 advert, as the RFCs and keepalived do.
    case immediate
}

/// A Master's planned resignation whose addresses are still held (make-before-break).
public struct PendingRelease: Hashable, Sendable {
    /// The priority-0 advert.
    public let since: Instant
    /// With no other Master by then, the addresses go anyway (a stop) or the node takes them
    /// back (a drill or maintenance hand-over, which aborts before this backstop).
    public var deadline: Instant
    /// The new Master whose first advert was heard: it adds the addresses and sends its
    /// gratuitous ARP / unsolicited NA right after (RFC 5798 §6.4.2). The addresses go
    /// `drain` after that announcement is seen, so a client with this node's MAC in its cache
    /// is answered until its cache moves, or `announcementGrace` after the advert at the latest.
    public var announcedBy: IPAddress?
    /// When the new Master's gratuitous ARP / NA was seen.
    public var announcementSeen: Instant?

    public init(since: Instant, deadline: Instant, announcedBy: IPAddress? = nil, announcementSeen: Instant? = nil) {
        self.since = since
        self.deadline = deadline
        self.announcedBy = announcedBy
        self.announcementSeen = announcementSeen
    }

    /// How long after the new Master's first advert its announcement is waited for.
    public static let announcementGrace: Duration = .milliseconds(100)
    /// How long the addresses stay after the announcement was seen: the clients' caches move
    /// with the same frame, and a request they sent just before it (on a connection to this
    /// node) gets its answer instead of a reset.
    public static let drain: Duration = .milliseconds(50)
}

/// How a pending release ended.
public enum HandoverEnd: Hashable, Sendable {
    /// Another Master announced itself (its first advert, then its gratuitous ARP / NA, or
    /// `announcementGrace` after the advert) this long after the priority-0 advert; the
    /// addresses go now.
    /// `by`: the Master whose advert was heard (nil when its announcement came first).
    case tookOver(by: IPAddress?, after: Duration)
    /// Nobody took over within the window: the addresses go anyway (a stop must not leave
    /// them behind).
    case timedOut(after: Duration)
    /// A fault, or a second stop request, ended the wait: the addresses go at once.
    case abandoned(after: Duration)
}
