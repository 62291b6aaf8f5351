import Config

/// One e-mail alert as keepalived's `smtp_alert()` composes it (core/smtp.c): subject
/// `[ROUTER_ID] VRRP Instance VI_1 - Entering MASTER state`, a one-line body, sent to every
/// `notification_email` address through `smtp_server`. The runtime adds the date, when it
/// hands the message to the server.
public struct MailAlert: Hashable, Sendable {
    /// Whose state changed: an instance or a sync group.
    public var subjectOf: NotifyFIFOLine.Subject
    public var server: SMTPServer
    public var heloName: String
    public var connectTimeout: Duration
    public var from: String
    public var recipients: [String]
    public var subject: String
    public var body: String

    public init(subjectOf: NotifyFIFOLine.Subject, server: SMTPServer, heloName: String, connectTimeout: Duration, from: String,
                recipients: [String], subject: String, body: String) {
        self.subjectOf = subjectOf
        self.server = server
        self.heloName = heloName
        self.connectTimeout = connectTimeout
        self.from = from
        self.recipients = recipients
        self.subject = subject
        self.body = body
    }

    /// The RFC 5322 message: keepalived's headers (`SMTP_HEADERS_CMD`: Date, From, Subject,
    /// X-Mailer, To), a blank line and the body, lines ending in CRLF. `date` is RFC 5322
    /// §3.3's `Mon, 01 Mar 2021 09:44:08 +0000`. The SMTP client adds the final `.` line and
    /// dot-stuffs (RFC 5321 §4.5.2).
    public func message(date: String) -> String {
        "Date: \(date)\r\nFrom: \(from)\r\nSubject: \(subject)\r\nX-Mailer: Keepalived (vipkeeper)\r\n"
            + "To: \(recipients.joined(separator: ", "))\r\n\r\n\(body)\r\n"
    }

    /// The subject and body keepalived sends for `event` (vrrp_notify.c `vrrp_smtp_notifier`
    /// and `vrrp_sync_smtp_notifier`); nil where it sends none (INIT, and the FIFO-only events).
    static func text(for event: NotifyFIFOLine.Event, of subject: NotifyFIFOLine.Subject) -> (subject: String, body: String)? {
        switch subject {
        case .instance:
            switch event {
            case .master: return ("Entering MASTER state", "=> VRRP Instance is now owning VRRP VIPs <=")
            case .backup: return ("Entering BACKUP state", "=> VRRP Instance is no longer owning VRRP VIPs <=")
            case .fault: return ("Entering FAULT state", "=> VRRP Instance is no longer owning VRRP VIPs <=")
            case .stop: return ("Stopping", "=> VRRP Instance stopping <=")
            case .deleted: return ("Deleted", "=> VRRP Deleted at reload <=")
            case .masterReceivedLowerPriority, .masterPriority, .backupPriority: return nil
            }
        case .group:
            switch event {
            case .master: return ("Entering MASTER state", "=> All VRRP group instances are now in MASTER state <=")
            case .backup: return ("Entering BACKUP state", "=> All VRRP group instances are now in BACKUP state <=")
            case .fault: return ("Entering FAULT state", "=> All VRRP group instances are now in FAULT state <=")
            case .stop: return ("Stopping", "=> All VRRP group instances are now stopping <=")
            case .deleted, .masterReceivedLowerPriority, .masterPriority, .backupPriority: return nil
            }
        }
    }

    /// keepalived's subject prefix: `[ROUTER_ID] VRRP Instance NAME - ` or `... VRRP Group NAME - `.
    static func subjectLine(_ text: String, of subject: NotifyFIFOLine.Subject, routerID: String) -> String {
        switch subject {
        case .instance(let name): return "[\(routerID)] VRRP Instance \(name) - \(text)"
        case .group(let name): return "[\(routerID)] VRRP Group \(name) - \(text)"
        }
    }
}
