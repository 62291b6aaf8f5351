import Config

/// keepalived's e-mail alert settings with its defaults filled in for this machine
/// (global_data.c `init_global_data`): who sends, to whom, through which server. Nil in a
/// `BoundConfiguration` when no alert can be sent: keepalived's `smtp_alert()` sends nothing
/// without `notification_email` or `smtp_server`.
public struct BoundMail: Hashable, Sendable {
    public var server: SMTPServer
    /// `smtp_helo_name`, else the host name.
    public var heloName: String
    /// `notification_email_from`, else `USER@HOSTNAME` as keepalived's `set_default_email_from`.
    public var from: String
    public var recipients: [String]
    /// `smtp_connect_timeout` [30 s].
    public var connectTimeout: Duration
    /// `router_id`, else the host name: the `[...]` that starts every subject.
    public var routerID: String
    /// `no_email_faults`.
    public var noEmailFaults: Bool

    public init(server: SMTPServer, heloName: String, from: String, recipients: [String], connectTimeout: Duration,
                routerID: String, noEmailFaults: Bool) {
        self.server = server
        self.heloName = heloName
        self.from = from
        self.recipients = recipients
        self.connectTimeout = connectTimeout
        self.routerID = routerID
        self.noEmailFaults = noEmailFaults
    }

    /// keepalived's name when the host's is unknown (global_data.c `unknown_name`).
    public static let unknownName = "[unknown]"

    /// The settings of `definition` on a host called `localName` (nil: unknown), the daemon
    /// running as `userName`; nil when no alert can be sent.
    public static func bind(_ definition: MailDefinition, routerID: String?, localName: String?, userName: String?) -> BoundMail? {
        guard let server = definition.server, !definition.recipients.isEmpty else { return nil }
        let host = localName.flatMap { $0.isEmpty ? nil : $0 }
        return BoundMail(server: SMTPServer(host: server.host, port: server.port),
                         heloName: definition.heloName ?? host ?? "localhost",
                         from: definition.from ?? "\(userName ?? "root")@\(host ?? "localhost")",
                         recipients: definition.recipients,
                         connectTimeout: definition.connectTimeout ?? MailDefinition.defaultConnectTimeout,
                         routerID: routerID ?? host ?? unknownName,
                         noEmailFaults: definition.noEmailFaults)
    }
}
