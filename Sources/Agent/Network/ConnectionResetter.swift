import CLinux
import Logging
import Node
import VRRP
#if canImport(Glibc)
import Glibc
#endif

/// Resets the TCP connections a node still has on an address it gives up, just before the
/// address leaves its device (sock_diag SOCK_DESTROY, what `ss -K` does). Without it a client
/// in the middle of a transfer (a `docker pull`) waits out its own timeout: the old node can no
/// longer send from the address, and the client, waiting for data, sends nothing the new
/// holder could answer with a reset. With it the client gets the RST at once and retries on
/// the new holder. Listening sockets are left alone (a service bound to the address waits for
/// it to come back). Called on the event loop: one netlink dump of the node's TCP sockets per
/// family, answered by the kernel from memory, run at SCHED_OTHER (`outsideRealtime`) because
/// its length grows with the node's connections: under `vrrp_rt_priority` it must not count
/// against RLIMIT_RTTIME, whose hard limit kills the daemon.
struct ConnectionResetter {
    let logger: Logger
    let outsideRealtime: (() -> Void) -> Void

    func reset(before change: AddressChange) {
        let address = change.binding.address.address
        var failures: Int32 = 0
        var lastError: Int32 = 0
        var reset: Int32 = 0
        outsideRealtime {
            reset = address.octets.withUnsafeBufferPointer { octets in
                vk_reset_tcp_connections(address.family == .ipv4 ? AF_INET : AF_INET6, octets.baseAddress, &failures, &lastError)
            }
        }
        if reset < 0 {
            logger.warning("[\(change.instanceName)] cannot list the TCP connections on \(address) to reset them before releasing it: \(String(cString: strerror(-reset))); their clients wait for their own timeouts")
            return
        }
        if reset > 0 {
            logger.notice("[\(change.instanceName)] reset \(reset) TCP connection\(reset == 1 ? "" : "s") on \(address) before releasing it: their clients retry on the new holder at once")
        }
        if failures > 0 {
            logger.warning("[\(change.instanceName)] the kernel refused to reset \(failures) TCP connection\(failures == 1 ? "" : "s") on \(address): \(String(cString: strerror(lastError))) (a kernel without CONFIG_INET_DIAG_DESTROY?); their clients wait for their own timeouts")
        }
    }
}
