import VRRP

/// `global_defs` (the VRRP-related subset).
public struct GlobalDefinitions: Hashable, Sendable {
    public var routerID: String?
    /// `vmac_prefix` (keepalived.conf(5)): the default name of a `use_vmac` macvlan is
    /// PREFIX.VRID; keepalived's default prefix is `vrrp`.
    public var virtualMACPrefix = "vrrp"
    /// `vrrp_mcast_group4` (RFC 5798 §5.1.1.2: 224.0.0.18).
    public var multicastGroup = IPv4Address.vrrpMulticastGroup
    /// `vrrp_mcast_group6` (RFC 5798 §5.1.2.2: ff02::12).
    public var multicastGroup6 = IPv6Address.vrrpMulticastGroup
    /// `vrrp_version` [2]: the version of every instance without its own `version`.
    public var version: VRRPVersion?
    /// The `vrrp_garp_*` defaults; its `interval` is `vrrp_garp_interval` (IPv4 instances).
    public var gratuitousARP = GratuitousARPPolicy.keepalivedDefaults
    /// `vrrp_garp_lower_prio_repeat` / `vrrp_garp_lower_prio_delay`; unset, keepalived uses
    /// `vrrp_garp_master_repeat` / `vrrp_garp_master_delay`.
    public var lowerPriorityRepeatCount: Int?
    public var lowerPriorityDelay: Duration?
    /// `vrrp_gna_interval`: between unsolicited neighbour advertisements (IPv6 instances).
    public var neighborAdvertisementInterval = Duration.zero
    /// `vrrp_down_timer_adverts` (1–100): every instance's `down_timer_adverts` default.
    public var downTimerAdverts: Int?
    /// `vrrp_startup_delay` / `vrrp_delay_after_boot` (the larger): instances start this long
    /// after the daemon (keepalived: for a network that settles late at boot).
    public var startupDelay = Duration.zero
    /// `vrrp_skip_check_adv_addr`: every instance's `skip_check_adv_addr` default.
    public var skipAddressListCheck = false
    public var enableScriptSecurity = false
    public var scriptUser: String?
    public var scriptGroup: String?
    /// `vrrp_higher_prio_send_advert`: a Master that yields sends one advert first, so the
    /// winner hears a lower priority and re-sends gratuitous ARP (clients reach it at once
    /// after a split brain heals, whichever side heard the other first). **On by default in
    /// vipkeeper** (keepalived: off); `vrrp_higher_prio_send_advert false` turns it off.
    public var higherPrioritySendAdvert = true
    /// vipkeeper `vrrp_handover`: how a Master gives the VIP up on a planned move (a drill,
    /// maintenance, a stop). Make-before-break by default; `immediate` (and `vrrp_strict`)
    /// is the RFCs' and keepalived's behaviour.
    public var handover: HandoverMode = .makeBeforeBreak
    /// `vrrp_strict`: refuse what RFC 3768 forbids (authentication, unicast).
    public var strict = false
    /// `vrrp_check_unicast_src`: `check_unicast_src` for every unicast instance.
    public var checkUnicastSource = false
    /// `control_group NAME` (vipkeeper): members may query the control socket and start
    /// drills and maintenance (otherwise root only).
    public var controlGroup: String?
    /// `metrics_listen ADDR:PORT` (vipkeeper): serve Prometheus metrics at /metrics there.
    public var metricsListen: ListenAddress?
    /// `notify_fifo PATH [USER [GROUP]]` and `notify_fifo_script`: a FIFO every VRRP (and, in
    /// keepalived, checker) event is written to, one line each.
    public var notifyFIFO = NotifyFIFODefinition()
    /// `vrrp_notify_fifo PATH [USER [GROUP]]` and `vrrp_notify_fifo_script`: the same, VRRP
    /// events only. keepalived writes every line to both.
    public var vrrpNotifyFIFO = NotifyFIFODefinition()
    /// `fifo_write_vrrp_states_on_reload`: after a reload, every group and instance whose
    /// state the reload kept writes its state line again (keepalived's `vrrp_init_state`), so
    /// a FIFO reader restarted with the daemon's reload learns the states.
    public var fifoWritesStatesOnReload = false
    /// `vrrp_notify_priority_changes [BOOL]`: every instance's `notify_priority_changes` default.
    public var notifyPriorityChanges = false
    /// `vrrp_rt_priority`, `vrrp_rlimit_rttime`, `max_auto_priority`, `min_auto_priority_delay`,
    /// `vrrp_priority`, `vrrp_no_swap`, `vrrp_cpu_affinity`: how the process is scheduled.
    public var scheduling = SchedulingSettings()
    /// `notification_email`, `smtp_server`, `smtp_alert` and the rest: e-mail alerts.
    public var mail = MailDefinition()

    public init() {}
}
