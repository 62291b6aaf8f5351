/// Inputs to a `VirtualRouter`. The runtime delivers them in order from one place.
public enum RouterEvent: Hashable, Sendable {
    /// §6.4.1 Startup event.
    case startup
    /// Startup of a router that replaces a Master of this node (`MasterRestart`): it stays
    /// Master — advert at once, its VIPs (still on their devices) kept — instead of starting
    /// as a Backup, so the peer's Master_Down_Timer never runs out and the VIP does not move.
    /// A fault starts it in FAULT.
    case resumeAsMaster(MasterRestart)
    /// §6.4.2/§6.4.3 Shutdown event. `handover`: a planned stop, which keeps the addresses
    /// until the new Master announces itself when the router's `HandoverMode` says so; false
    /// releases them with the priority-0 advert (a reload's restart of another router).
    case shutdown(handover: Bool)
    /// A packet that passed `AdvertisementValidator`.
    case advertisement(ReceivedAdvertisement)
    /// An armed timer fired.
    case timerFired(TimerToken)
    /// Tracker adjustments changed the effective priority (see `TrackerSet`).
    case priorityChanged(UInt8)
    /// A weight-0 tracker or a tracked interface went down.
    case faultRaised(FaultCause)
    /// Every fault is gone.
    case faultCleared
    /// keepalived `vrrp_sync_group`: another member became Master; a Backup follows it.
    case syncGroupMaster(group: String, member: String)
    /// keepalived `vrrp_sync_group`: another member left Master for Backup; a Master follows it.
    case syncGroupBackup(group: String, member: String)
    /// The operator hands the VIP over (drill, maintenance): a Master resigns as on Shutdown
    /// (priority-0 advert; the addresses go as `HandoverMode` says) but stays running, as a
    /// Backup.
    case resign(reason: String)
    /// Make-before-break: another node's gratuitous ARP / unsolicited NA for this router's
    /// addresses was seen (the node matched address, device and a foreign MAC) while a planned
    /// resignation still holds them: the new Master's clients move now, so the addresses go.
    case newMasterAnnounced
    /// The operator takes the VIP back at once (a drill that no backup answered): a Backup
    /// becomes Master as if its Master_Down_Timer had fired.
    case takeOver(reason: String)
}
