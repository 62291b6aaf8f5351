import VRRP

/// `ADDR:PORT` for a listener (`metrics_listen`, `vipkeeper run --metrics`): an IPv4 address
/// (`127.0.0.1:9650`) or a bracketed IPv6 address (`[::1]:9650`), and a TCP port.
public struct ListenAddress: Hashable, Sendable, CustomStringConvertible {
    public var host: IPAddress
    public var port: Int

    public init(host: IPAddress, port: Int) {
        self.host = host
        self.port = port
    }

    public init(host: IPv4Address, port: Int) {
        self.init(host: .v4(host), port: port)
    }

    /// nil unless the text is `A.B.C.D:PORT` or `[IPV6]:PORT` with a port in 1...65535.
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (1...65535).contains(port) else { return nil }
        let host = text[..<colon]
        if host.hasPrefix("["), host.hasSuffix("]"), let address = IPv6Address(host.dropFirst().dropLast()) {
            self.init(host: .v6(address), port: port)
        } else if let address = IPv4Address(host) {
            self.init(host: .v4(address), port: port)
        } else {
            return nil
        }
    }

    public var description: String {
        switch host {
        case .v4(let address): return "\(address):\(port)"
        case .v6(let address): return "[\(address)]:\(port)"
        }
    }
}
