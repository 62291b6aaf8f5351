import VRRP

/// `global_defs` (the VRRP-related subset).
public struct GlobalDefinitions: Hashable, Sendable {
    public var routerID: String?
    public var multicastGroup = IPv4Address.vrrpMulticastGroup
    public var gratuitousARP = GratuitousARPPolicy.keepalivedDefaults
    public var enableScriptSecurity = false
    public var scriptUser: String?
    public var scriptGroup: String?
    /// `vrrp_higher_prio_send_advert`.
    public var higherPrioritySendAdvert = false
    /// `vrrp_strict`: refuse what RFC 3768 forbids (authentication, unicast).
    public var strict = false

    public init() {}
}
