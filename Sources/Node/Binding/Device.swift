/// A network interface as the kernel knows it when a configuration is bound.
public struct Device: Hashable, Sendable, CustomStringConvertible {
    public var name: String
    public var index: Int32
    public var hardwareAddress: [UInt8]
    /// Whether the device has a segment with neighbours on it: false for the loopback and for
    /// an IFF_NOARP device (a dummy). An address there is reached by routing, not by ARP or
    /// neighbour discovery: a Master sends no gratuitous ARP or unsolicited NA for it
    /// (RFC 5798 §6.4.1 assumes a shared LAN), and its own routing daemon announces it
    /// (`AddressLease`).
    public var hasSegment: Bool

    public init(name: String, index: Int32, hardwareAddress: [UInt8], hasSegment: Bool = true) {
        self.name = name
        self.index = index
        self.hardwareAddress = hardwareAddress
        self.hasSegment = hasSegment
    }

    public var description: String { name }
}
