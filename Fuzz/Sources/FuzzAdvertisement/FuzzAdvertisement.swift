import VRRP

/// libFuzzer harness: one received IPv4 packet, as the raw socket hands it over, through the
/// IPv4 header parser, the VRRPv2 decoder and every RFC 3768 §7.1 check. Oracles: nothing
/// traps, and a message that decodes re-encodes to a message that decodes to the same value.
private let validator = AdvertisementValidator([
    RouterConfiguration(virtualRouterID: 51, virtualAddresses: [IPv4Address(10, 250, 0, 100)],
                        localAddress: IPv4Address(10, 250, 0, 1)),
    RouterConfiguration(virtualRouterID: 52, authentication: .password("harbor"),
                        virtualAddresses: [IPv4Address(10, 250, 0, 101), IPv4Address(10, 250, 0, 102)],
                        localAddress: IPv4Address(10, 250, 0, 1)),
    RouterConfiguration(virtualRouterID: 53, basePriority: 255, advertisementIntervalSeconds: 3,
                        virtualAddresses: [IPv4Address(10, 250, 0, 1)], localAddress: IPv4Address(10, 250, 0, 1)),
])

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAdvertisement(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let message = try? Advertisement.decode(bytes) {
        guard let again = try? Advertisement.decode(message.encoded()), again == message else {
            fatalError("a decoded advertisement does not survive encode/decode: \(message)")
        }
    }
    guard let packet = try? IPv4Packet.parse(bytes) else { return 0 }
    _ = try? validator.validate(payload: packet.payload, ttl: packet.ttl, source: packet.source)
    return 0
}
