/// RFC 3768 §8.2 / RFC 5227 §3: a gratuitous ARP request announcing that `address` is at
/// `hardwareAddress`, so switches and neighbours update their caches when a VIP moves.
public enum GratuitousARP {
    /// The 28-byte ARP payload (RFC 826) for Ethernet/IPv4: an ARP request whose sender and
    /// target protocol addresses are both the announced address. The caller sends it to the
    /// Ethernet broadcast address.
    public static func payload(hardwareAddress: [UInt8], address: IPv4Address) -> [UInt8] {
        let mac = Array(hardwareAddress.prefix(6)) + Array(repeating: 0, count: max(0, 6 - hardwareAddress.count))
        var bytes: [UInt8] = [
            0x00, 0x01,  // hardware type: Ethernet
            0x08, 0x00,  // protocol type: IPv4
            6, 4,        // address lengths
            0x00, 0x01,  // operation: request
        ]
        bytes += mac + address.octets                  // sender hardware + protocol address
        bytes += Array(repeating: 0, count: 6) + address.octets  // target: unknown MAC, same IP
        return bytes
    }
}
