import VRRP

/// `ADDR:PORT` for a listener (`metrics_listen`, `vipkeeper run --metrics`): an IPv4 address
/// and a TCP port.
public struct ListenAddress: Hashable, Sendable, CustomStringConvertible {
    public var host: IPv4Address
    public var port: Int

    public init(host: IPv4Address, port: Int) {
        self.host = host
        self.port = port
    }

    /// nil unless the text is `A.B.C.D:PORT` with a port in 1...65535.
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let host = IPv4Address(text[..<colon]),
              let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else { return nil }
        self.init(host: host, port: port)
    }

    public var description: String { "\(host):\(port)" }
}
