/// An advertisement that passed every check of RFC 3768 §7.1, with what the IP layer told
/// about it.
public struct ReceivedAdvertisement: Hashable, Sendable {
    public var advertisement: Advertisement
    /// The IPv4 source address: the sender's primary address (§5.2.1), used for the
    /// equal-priority tie-break (§6.4.3).
    public var source: IPv4Address
    /// The address list differed but the sender is the address owner (priority 255), so
    /// §7.1 says to log it and carry on.
    public var addressListMismatch: Bool

    public init(advertisement: Advertisement, source: IPv4Address, addressListMismatch: Bool = false) {
        self.advertisement = advertisement
        self.source = source
        self.addressListMismatch = addressListMismatch
    }
}
