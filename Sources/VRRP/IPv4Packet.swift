/// The fields of a received IPv4 packet that VRRP needs (RFC 791 header): a raw socket hands
/// over the whole packet, header included.
public struct IPv4Packet: Hashable, Sendable {
    public var source: IPv4Address
    public var destination: IPv4Address
    public var ttl: UInt8
    public var protocolNumber: UInt8
    /// The IP payload: for protocol 112, the VRRP message.
    public var payload: [UInt8]

    /// RFC 3768 §5.2.4: VRRP's IP protocol number.
    public static let vrrpProtocol: UInt8 = 112

    public init(source: IPv4Address, destination: IPv4Address, ttl: UInt8, protocolNumber: UInt8 = vrrpProtocol, payload: [UInt8]) {
        self.source = source
        self.destination = destination
        self.ttl = ttl
        self.protocolNumber = protocolNumber
        self.payload = payload
    }

    /// Parses a packet; a short, non-IPv4 or inconsistent header is a length drop (§7.1:
    /// the packet must be complete). Never traps.
    public static func parse(_ bytes: [UInt8]) throws(DropReason) -> IPv4Packet {
        guard bytes.count >= 20, bytes[0] >> 4 == 4 else {
            throw .lengthMismatch(received: bytes.count, expected: 20)
        }
        let headerLength = Int(bytes[0] & 0x0f) * 4
        let totalLength = Int(bytes[2]) << 8 | Int(bytes[3])
        guard headerLength >= 20, totalLength >= headerLength, totalLength <= bytes.count else {
            throw .lengthMismatch(received: bytes.count, expected: max(totalLength, headerLength))
        }
        func address(at offset: Int) -> IPv4Address {
            IPv4Address(bytes[offset], bytes[offset + 1], bytes[offset + 2], bytes[offset + 3])
        }
        return IPv4Packet(source: address(at: 12), destination: address(at: 16), ttl: bytes[8], protocolNumber: bytes[9],
                          payload: Array(bytes[headerLength..<totalLength]))
    }

    /// The packet as a raw socket hands it over: a 20-byte header (no options, checksum
    /// filled in) and the payload. The simulator and tests build received packets with it.
    public func encoded() -> [UInt8] {
        let total = 20 + payload.count
        var header: [UInt8] = [0x45, 0xc0, UInt8(total >> 8 & 0xff), UInt8(total & 0xff), 0, 0, 0, 0,
                               ttl, protocolNumber, 0, 0]
        header += source.octets + destination.octets
        let checksum = InternetChecksum.compute(header)
        header[10] = UInt8(checksum >> 8)
        header[11] = UInt8(checksum & 0xff)
        return header + payload
    }

    /// What validation needs of it.
    public var datagram: VRRPDatagram {
        VRRPDatagram(source: .v4(source), destination: .v4(destination), hopLimit: ttl, payload: payload)
    }
}
