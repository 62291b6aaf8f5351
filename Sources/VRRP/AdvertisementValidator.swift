/// What a receiver checks before a packet may reach a state machine: every MUST of
/// RFC 3768 §7.1, in the RFC's order.
///
/// Several virtual routers on one interface share a socket; `routers` maps each VRID
/// configured on the receiving interface to its configuration.
public struct AdvertisementValidator: Sendable {
    public var routers: [UInt8: RouterConfiguration]

    public init(routers: [UInt8: RouterConfiguration]) {
        self.routers = routers
    }

    public init(_ configurations: [RouterConfiguration]) {
        var routers: [UInt8: RouterConfiguration] = [:]
        for configuration in configurations {
            routers[configuration.virtualRouterID] = configuration
        }
        self.routers = routers
    }

    /// Validates the IP payload of one received packet.
    /// - Parameters:
    ///   - payload: the VRRP message (IP payload, IP header removed).
    ///   - ttl: the IP TTL the kernel reported for the packet.
    ///   - source: the IP source address.
    public func validate(payload: [UInt8], ttl: UInt8, source: IPv4Address) throws(DropReason) -> ReceivedAdvertisement {
        // §7.1: TTL first, then the structural checks (version, type, length, checksum).
        guard ttl == 255 else { throw .ttlNot255(ttl) }
        let advertisement = try Advertisement.decode(payload)
        guard let local = routers[advertisement.virtualRouterID] else {
            throw .unknownVirtualRouter(advertisement.virtualRouterID)
        }
        guard advertisement.authenticationType <= 2 else {
            throw .invalidAuthType(advertisement.authenticationType)
        }
        guard advertisement.authenticationType == local.authentication.typeCode else {
            throw .authTypeMismatch(received: advertisement.authenticationType, expected: local.authentication.typeCode)
        }
        // §5.3.10 / §7.1: for simple text password the 8 octets must match exactly.
        if case .simplePassword(let password) = local.authentication,
           advertisement.authenticationData != password {
            throw .authFailure
        }
        guard advertisement.advertisementInterval == local.advertisementIntervalSeconds else {
            throw .intervalMismatch(received: advertisement.advertisementInterval, expected: local.advertisementIntervalSeconds)
        }
        // §7.1: compare the address lists as sets; only the owner's mismatching packet survives.
        let mismatch = Set(advertisement.addresses) != Set(local.virtualAddresses)
        if mismatch && advertisement.priority != 255 {
            throw .addressListMismatch
        }
        return ReceivedAdvertisement(advertisement: advertisement, source: source, addressListMismatch: mismatch)
    }
}
