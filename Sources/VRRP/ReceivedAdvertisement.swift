/// An advertisement that passed every check of §7.1 (RFC 3768, RFC 5798), with what the IP layer told
/// about it.
public struct ReceivedAdvertisement: Hashable, Sendable {
    public var advertisement: Advertisement
    /// The IP source address: the sender's primary IPv4 or link-local IPv6 address
    /// (RFC 5798 §5.1.1.1, §5.1.2.1), used for the equal-priority tie-break (§6.4.3).
    public var source: IPAddress
    /// The address list differed but the sender is the address owner (priority 255), so
    /// §7.1 says to log it and carry on.
    public var addressListMismatch: Bool

    public init(advertisement: Advertisement, source: IPAddress, addressListMismatch: Bool = false) {
        self.advertisement = advertisement
        self.source = source
        self.addressListMismatch = addressListMismatch
    }
}
