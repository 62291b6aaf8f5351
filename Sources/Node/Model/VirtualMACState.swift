/// What the node knows of an instance's `use_vmac` macvlan beyond its binding: whether the
/// instance waits for it to start, and the runtime's failures to make it (logged at a limited
/// rate, counted, shown in `status`, retried every `Node.virtualMACRetryInterval`).
struct VirtualMACState: Hashable, Sendable {
    /// The instance was due to start while its macvlan did not exist yet: it stays in INIT
    /// and starts when the macvlan appears.
    var awaitsStart = false
    /// Why the last `ensureVirtualMAC` failed; nil once it succeeded or is tried again.
    var error: String?
    /// `ensureVirtualMAC` requests the runtime failed since the instance started.
    var failures = 0
}
