extension GratuitousARPRequest {
    /// Carries out the request as every executor must (the daemon's and the simulator's):
    /// each address on its own, whatever happened to the one before, so an address that cannot
    /// be announced (its device down, a full queue) never keeps the others, on other devices
    /// too, from being announced. `send` announces one address (its frame of this round) and
    /// returns why it failed; each failure comes back as the event the node counts per address.
    public func announceEach(_ send: (VirtualAddressBinding) -> EffectError?) -> [NodeEvent] {
        addresses.compactMap { binding in
            send(binding).map { error in
                var failed = self
                failed.addresses = [binding]
                return .effectFailed(.gratuitousARP(failed), error)
            }
        }
    }
}
