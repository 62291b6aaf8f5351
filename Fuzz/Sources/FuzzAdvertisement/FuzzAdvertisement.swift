import VRRP

/// libFuzzer harness for everything a raw VRRP socket hands over.
///
/// - The input as a received IPv4 packet: the IPv4 header parser, the v2 and v3 decoders and
///   every §7.1 check (RFC 3768, RFC 5798) of a validator with v2 routers (no auth, password,
///   address owner) and v3 routers.
/// - The input as the payload of an IPv6 raw socket (no header), from a link-local source to
///   ff02::12 with hop limit 255, against v3 IPv6 routers.
///
/// Oracles: nothing traps, and a message that decodes re-encodes (from and to the same
/// addresses) to a message that decodes to the same value.
private let v4Source = IPAddress.v4(IPv4Address(10, 250, 0, 9))
private let v4Group = IPAddress.v4(.vrrpMulticastGroup)
private let v6Source = IPAddress.v6(IPv6Address(high: 0xfe80_0000_0000_0000, low: 9))
private let v6Group = IPAddress.v6(.vrrpMulticastGroup)
private let local4 = IPAddress.v4(IPv4Address(10, 250, 0, 1))

private let validator4 = AdvertisementValidator([
    RouterConfiguration(virtualRouterID: 51, virtualAddresses: [.v4(IPv4Address(10, 250, 0, 100))], localAddress: local4),
    RouterConfiguration(virtualRouterID: 52, authentication: .password("harbor"),
                        virtualAddresses: [.v4(IPv4Address(10, 250, 0, 101)), .v4(IPv4Address(10, 250, 0, 102))], localAddress: local4),
    RouterConfiguration(virtualRouterID: 53, basePriority: 255, advertisementInterval: AdvertisementInterval(seconds: 3),
                        virtualAddresses: [local4], localAddress: local4),
    RouterConfiguration(virtualRouterID: 54, version: .v3, advertisementInterval: AdvertisementInterval(centiseconds: 10),
                        virtualAddresses: [.v4(IPv4Address(10, 250, 0, 103))], localAddress: local4),
])

private let validator6 = AdvertisementValidator([
    RouterConfiguration(virtualRouterID: 51, version: .v3, advertisementInterval: AdvertisementInterval(centiseconds: 10),
                        virtualAddresses: [.v6(IPv6Address(high: 0xfd00_0250_0000_0000, low: 0x100))],
                        localAddress: .v6(IPv6Address(high: 0xfe80_0000_0000_0000, low: 1))),
    RouterConfiguration(virtualRouterID: 53, version: .v3, advertisementInterval: AdvertisementInterval(centiseconds: 25),
                        virtualAddresses: [.v6(IPv6Address(high: 0xfd00_0250_0099_0000, low: 0x66)),
                                           .v6(IPv6Address(high: 0xfd00_0250_0099_0000, low: 0x67))],
                        localAddress: .v6(IPv6Address(high: 0xfe80_0000_0000_0000, low: 1))),
])

private func roundTrip(_ bytes: [UInt8], from source: IPAddress, to destination: IPAddress) {
    guard let message = try? Advertisement.decode(bytes, from: source, to: destination) else { return }
    guard let again = try? Advertisement.decode(message.encoded(from: source, to: destination), from: source, to: destination),
          again == message else {
        fatalError("a decoded advertisement does not survive encode/decode: \(message)")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAdvertisement(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    roundTrip(bytes, from: v4Source, to: v4Group)
    roundTrip(bytes, from: v6Source, to: v6Group)
    _ = try? validator6.validate(VRRPDatagram(source: v6Source, destination: v6Group, hopLimit: 255, payload: bytes))
    guard let packet = try? IPv4Packet.parse(bytes) else { return 0 }
    roundTrip(packet.payload, from: .v4(packet.source), to: .v4(packet.destination))
    _ = try? validator4.validate(packet.datagram)
    return 0
}
