import Testing
@testable import VRRP

@Suite("advertisement codec (RFC 3768 §5)")
struct AdvertisementCodecTests {
    let sample = Advertisement(virtualRouterID: 7, priority: 200, advertisementInterval: 3,
                               authentication: .password("s3cretPW-too-long"),
                               addresses: [IPv4Address(10, 250, 1, 1), IPv4Address(10, 250, 1, 2)])

    @Test("encode then decode is the identity")
    func roundTrip() throws {
        let decoded = try Advertisement.decode(sample.encoded())
        #expect(decoded == sample)
        #expect(sample.encoded().count == 16 + 4 * 2)
    }

    @Test("a simple password keeps its first 8 bytes, zero padded (§5.3.10)")
    func passwordTruncation() {
        #expect(Authentication.password("s3cretPW-too-long").data == Array("s3cretPW".utf8))
        #expect(Authentication.password("ab").data == [0x61, 0x62, 0, 0, 0, 0, 0, 0])
        #expect(Authentication.none.data == Array(repeating: 0, count: 8))
    }

    @Test("the checksum of an encoded message verifies to zero (RFC 1071)")
    func checksumVerifies() {
        #expect(InternetChecksum.compute(sample.encoded()) == 0)
        // Odd length: the last byte is padded with zero.
        #expect(InternetChecksum.compute([0x01]) == ~UInt16(0x0100))
        #expect(InternetChecksum.compute([0xff, 0xff, 0xff, 0xff]) == 0)
    }

    @Test("255 addresses encode with count 255")
    func maximumAddresses() throws {
        let addresses = (0..<255).map { IPv4Address(10, 250, 2, UInt8($0)) }
        let advert = Advertisement(virtualRouterID: 1, priority: 100, advertisementInterval: 1, authentication: .none, addresses: addresses)
        let encoded = advert.encoded()
        #expect(encoded[3] == 255)
        #expect(try Advertisement.decode(encoded).addresses == addresses.map(IPAddress.v4))
    }

    @Test("structural drops: version, type, length, checksum")
    func structuralDrops() {
        var good = sample.encoded()
        #expect(throws: DropReason.lengthMismatch(received: 0, expected: 8)) { try Advertisement.decode([]) }

        var v4 = good
        v4[0] = 0x41
        #expect(throws: DropReason.unsupportedVersion(4)) { try Advertisement.decode(v4) }
        // Version 2 is IPv4 only.
        #expect(throws: DropReason.unsupportedVersion(2)) {
            try Advertisement.decode(good, from: .v6(IPv6Address("fe80::1")!), to: .v6(.vrrpMulticastGroup))
        }

        var type2 = good
        type2[0] = 0x22
        #expect(throws: DropReason.unknownType(2)) { try Advertisement.decode(type2) }

        #expect(throws: DropReason.lengthMismatch(received: 5, expected: 16)) { try Advertisement.decode(Array(good.prefix(5))) }
        #expect(throws: DropReason.lengthMismatch(received: 23, expected: 24)) { try Advertisement.decode(Array(good.dropLast())) }
        #expect(throws: DropReason.lengthMismatch(received: 25, expected: 24)) { try Advertisement.decode(good + [0]) }

        var count = good
        count[3] = 3  // says three addresses, carries two
        #expect(throws: DropReason.lengthMismatch(received: 24, expected: 28)) { try Advertisement.decode(count) }

        good[2] ^= 0x01  // flip a priority bit: checksum no longer verifies
        do {
            _ = try Advertisement.decode(good)
            Issue.record("a corrupted packet decoded")
        } catch {
            guard case .checksumMismatch = error else {
                Issue.record("expected a checksum drop, got \(error)")
                return
            }
        }
    }

    @Test("no byte sequence traps the decoder or the validator")
    func neverTraps() {
        var rng = SplitMix(seed: 0x5eed)
        let validator = AdvertisementValidator([RouterConfiguration(virtualRouterID: 7, virtualAddresses: [IPv4Address(10, 250, 1, 1)],
                                                                    localAddress: IPv4Address(10, 250, 1, 9))])
        let golden = sample.encoded()
        var outcomes: [String: Int] = [:]
        for round in 0..<20_000 {
            var packet: [UInt8]
            if round % 2 == 0 {
                packet = (0..<Int(rng.next() % 64)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            } else {
                packet = golden
                for _ in 0..<(1 + Int(rng.next() % 3)) where !packet.isEmpty {
                    packet[Int(rng.next() % UInt64(packet.count))] = UInt8(truncatingIfNeeded: rng.next())
                }
                if rng.next() % 4 == 0 { packet = Array(packet.prefix(Int(rng.next() % UInt64(packet.count + 1)))) }
            }
            do {
                _ = try validator.validate(payload: packet, ttl: 255, source: IPv4Address(10, 250, 1, 2))
                outcomes["accepted", default: 0] += 1
            } catch {
                outcomes[error.counter.rawValue, default: 0] += 1
            }
        }
        #expect(outcomes.values.reduce(0, +) == 20_000)
        #expect((outcomes["packet_len_err"] ?? 0) > 0)
        #expect((outcomes["invalid_type_rcvd"] ?? 0) > 0)
    }
}

/// A tiny deterministic generator for test inputs.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
