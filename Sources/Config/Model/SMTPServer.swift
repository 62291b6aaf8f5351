/// `smtp_server HOST [PORT]` (keepalived.conf(5)): an IPv4 or IPv6 literal or a host name,
/// port 25 by default. A name is resolved when a message is sent (libcurl's resolver, off the
/// event loop), so a name that does not resolve yet does not stop the daemon.
public struct SMTPServer: Hashable, Sendable, CustomStringConvertible {
    /// The address literal (no brackets) or the host name.
    public var host: String
    public var port: UInt16
    public var location: SourceLocation

    /// keepalived's `SMTP_PORT_STR`.
    public static let defaultPort: UInt16 = 25

    public init(host: String, port: UInt16 = SMTPServer.defaultPort, location: SourceLocation = .unplaced) {
        self.host = host
        self.port = port
        self.location = location
    }

    /// `host:port`, an IPv6 literal in brackets.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
