/// One received VRRP packet as the IP layer describes it: addresses, TTL / hop limit and the
/// VRRP message. An IPv4 raw socket hands over the header (`IPv4Packet`); an IPv6 raw socket
/// never does, so the runtime reads the hop limit and destination from ancillary data
/// (IPV6_HOPLIMIT, IPV6_PKTINFO) and the source from recvmsg.
public struct VRRPDatagram: Hashable, Sendable {
    public var source: IPAddress
    public var destination: IPAddress
    /// IPv4 TTL or IPv6 Hop Limit; §7.1 requires 255.
    public var hopLimit: UInt8
    public var payload: [UInt8]

    public init(source: IPAddress, destination: IPAddress, hopLimit: UInt8, payload: [UInt8]) {
        self.source = source
        self.destination = destination
        self.hopLimit = hopLimit
        self.payload = payload
    }

    public var family: AddressFamily { source.family }
}
