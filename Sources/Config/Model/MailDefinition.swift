/// keepalived's e-mail alerts (`global_defs`: `notification_email`, `notification_email_from`,
/// `smtp_server`, `smtp_helo_name`, `smtp_connect_timeout`, `smtp_alert`, `smtp_alert_vrrp`,
/// `no_email_faults`; keepalived.conf(5), keepalived's core/global_parser.c). Unset values are
/// nil here; the defaults keepalived applies (global_data.c `init_global_data`) are filled in
/// when the configuration is bound to a machine, which knows its host name.
public struct MailDefinition: Hashable, Sendable {
    /// `notification_email { ADDR ... }`: every alert goes to each (one message, every
    /// address in `To:`). keepalived sends nothing without one.
    public var recipients: [String] = []
    public var recipientsLocation: SourceLocation = .unplaced
    /// `notification_email_from ADDR`; unset, keepalived uses `USER@HOSTNAME` (the daemon's
    /// user, root in practice; its man page says `keepalived@HOSTNAME`, its code does not).
    public var from: String?
    /// `smtp_server HOST [PORT]`; keepalived sends nothing without one.
    public var server: SMTPServer?
    /// `smtp_helo_name NAME`; unset, the host name.
    public var heloName: String?
    /// `smtp_connect_timeout SECS` [30]; keepalived reads 0 as 1.
    public var connectTimeout: Duration?
    /// `smtp_alert [BOOL]`: the default of every instance and sync group...
    public var alert: Bool?
    /// ...and `smtp_alert_vrrp [BOOL]`, which wins over it for VRRP (keepalived vrrp.c).
    public var alertVRRP: Bool?
    /// `no_email_faults`: no alert for entering FAULT.
    public var noEmailFaults = false

    public init() {}

    /// keepalived's default connect timeout (global_data.h `DEFAULT_SMTP_CONNECTION_TIMEOUT`).
    public static let defaultConnectTimeout = Duration.seconds(30)

    /// Whether an instance or sync group with `smtp_alert` set to `own` (nil: not written)
    /// sends alerts: its own, else `smtp_alert_vrrp`, else `smtp_alert`, else off
    /// (keepalived vrrp.c, `vrrp_complete_instance` / `vrrp_complete_init`).
    public func alerts(own: Bool?) -> Bool {
        own ?? alertVRRP ?? alert ?? false
    }
}
