// Linux socket plumbing that Swift cannot express directly: control-message macros
// (CMSG_*), struct ip_mreqn set-up, and signalfd.
#ifndef VIPKEEPER_CLINUX_H
#define VIPKEEPER_CLINUX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <signal.h>
#include <spawn.h>

/// recvmmsg(2) on a raw IPv4 socket (IP header included) of up to `count` queued packets (at most 64), packet i into the `length` bytes
/// at `buffers + i * length`, with its length and arrival interface (IP_PKTINFO; 0 when the
/// kernel gave none): one system call for a burst, and for the single advert a Backup wakes
/// for, where recvmsg needed a second call to learn the queue was empty. Returns how many
/// were received, or -1 with errno (EAGAIN: none queued).
int vk_recv_packets(int fd, void *buffers, size_t length, unsigned count, size_t *lengths, int *ifindexes);

/// Sends one datagram on a raw IPv4 socket to `destination` (network order), choosing the
/// source address and outgoing interface per packet with an IP_PKTINFO control message, so
/// one socket serves several instances with different `mcast_src_ip`. `ttl` 1...255 sets this
/// packet's TTL (IP_TTL control message); -1 keeps the socket's 255.
ssize_t vk_send_packet(int fd, const void *buffer, size_t length, uint32_t destination, uint32_t source, int ifindex, int ttl);

/// poll(2) with a nanosecond timeout (ppoll), so a timer wakes on time instead of up to a
/// millisecond late. `fds` points at `count` struct pollfd. Returns as poll does.
int vk_poll(void *fds, unsigned long count, int64_t timeout_nanoseconds);

/// A non-blocking CLOCK_MONOTONIC timerfd; -1 with errno on failure.
int vk_timer_create(void);

/// Arms a timerfd to expire once at an absolute CLOCK_MONOTONIC time. A timerfd fires on time,
/// where a poll(2) timeout is allowed 0.1 % of its length as slack (1 ms on a 1 s advert).
int vk_timer_arm(int fd, int64_t deadline_nanoseconds);

/// Process scheduling (keepalived's vrrp_rt_priority, vrrp_rlimit_rttime, vrrp_priority,
/// vrrp_no_swap, vrrp_cpu_affinity; Scheduling.c). Each returns 0, or the errno of the call
/// that failed, and changes the calling thread (the event loop) where Linux makes it per thread.
/// SCHED_RR at `priority` with SCHED_RESET_ON_FORK (check and notify children start as
/// SCHED_OTHER); priority 0 returns to SCHED_OTHER.
int vk_sched_set(int priority);
/// The calling thread's policy (SCHED_OTHER 0, SCHED_FIFO 1, SCHED_RR 2, ...; the reset-on-fork
/// flag removed) and real-time priority; -1 on failure.
int vk_sched_get(int *priority);
/// RLIMIT_RTTIME: `soft` (SIGXCPU) and `hard` (SIGKILL) microseconds of CPU a real-time thread
/// may use without blocking.
int vk_rttime_limit(unsigned long soft, unsigned long hard);
/// setpriority(PRIO_PROCESS, 0, nice).
int vk_set_nice(int nice);
/// getpriority(PRIO_PROCESS, 0).
int vk_get_nice(void);
/// mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT), as keepalived (without MCL_ONFAULT on a
/// kernel older than 4.4), then touches `stack_reserve` bytes of stack so they are resident.
int vk_lock_memory(size_t stack_reserve);
/// munlockall(2).
int vk_unlock_memory(void);
/// sched_setaffinity(2) of the calling thread to `count` CPU numbers (each below 1024).
int vk_set_affinity(const int *cpus, int count);

/// Sets up a raw IPv6 protocol-112 socket (RFC 5798 §5.1.2): hop limit 255 for unicast and
/// multicast, multicast loopback off, multicast out of `ifindex`, and the IPV6_HOPLIMIT and
/// IPV6_PKTINFO ancillary data on receipt. Returns 0, or -1 with errno (and `*failed` naming
/// the option that failed).
int vk_vrrp6_setup(int fd, int ifindex, const char **failed);

/// Receives one datagram from a raw IPv6 socket (no header: the kernel strips it) with its
/// source (16 octets), destination and arrival interface (IPV6_PKTINFO) and hop limit
/// (IPV6_HOPLIMIT; -1 when absent). Returns the byte count or -1 with errno.
ssize_t vk_recv_packet6(int fd, void *buffer, size_t length, uint8_t *source, uint8_t *destination, int *hoplimit, int *ifindex);

/// Sends one datagram on a raw IPv6 socket to `destination` (16 octets; a link-local or
/// link-scoped multicast destination is scoped to `ifindex`), choosing the source and the
/// outgoing interface with an IPV6_PKTINFO control message. `hop_limit` 1...255 sets this
/// packet's Hop Limit (IPV6_HOPLIMIT control message); -1 keeps the socket's 255.
ssize_t vk_send_packet6(int fd, const void *buffer, size_t length, const uint8_t *destination, const uint8_t *source, int ifindex, int hop_limit);

/// Joins (join != 0) or leaves an IPv6 multicast group (16 octets) on an interface.
int vk_multicast6_membership(int fd, const uint8_t *group, int ifindex, int join);

/// Sends an IPv6 packet (header included) in an Ethernet frame to `mac` out of an interface
/// through an AF_PACKET datagram socket (the kernel adds the Ethernet header with the
/// interface's MAC as source): unsolicited neighbour advertisements.
ssize_t vk_send_ipv6_frame(int fd, const void *packet, size_t length, int ifindex, const uint8_t *mac);

/// Joins (join != 0) or leaves a multicast group (network order) on an interface, by index.
int vk_multicast_membership(int fd, uint32_t group, int ifindex, int join);

/// Selects the outgoing interface for multicast by index.
int vk_multicast_interface(int fd, int ifindex);

/// Opens an AF_PACKET datagram socket for ARP: send-only (receive == 0), or non-blocking and
/// receiving every ARP frame (receive != 0); -1 with errno on failure.
int vk_arp_socket(int receive);

/// Opens a non-blocking AF_PACKET datagram socket that receives only ICMPv6 neighbour
/// advertisements (a kernel BPF filter: next header 58, type 136); -1 with errno on failure.
int vk_na_socket(void);

/// Receives one ARP payload; reports the interface and whether the frame was our own
/// outgoing one. Returns the byte count or -1 with errno.
ssize_t vk_recv_arp(int fd, void *buffer, size_t length, int *ifindex, int *outgoing);

/// Sends an ARP payload to the Ethernet broadcast address out of an interface; the kernel
/// adds the Ethernet header with the interface's MAC as source.
ssize_t vk_send_arp(int fd, const void *payload, size_t length, int ifindex);

/// Blocks the given signals for the calling thread and returns a non-blocking, close-on-exec
/// signalfd that reports them; -1 with errno on failure.
int vk_signalfd(const int *signals, int count);

/// Reads one pending signal number from a signalfd; 0 when none is pending.
int vk_signalfd_read(int fd);

/// Sets a signal's disposition to ignore (SIGPIPE: a write to a closed peer fails with
/// EPIPE instead). `vk_spawn` puts every disposition back to the default in the child.
int vk_ignore_signal(int signal);

/// SIGRTMIN and SIGRTMAX (glibc computes them at run time; Swift cannot import the macros).
int vk_signal_realtime_min(void);
int vk_signal_realtime_max(void);

/// The signal's abbreviation without `SIG` (`USR1`, `RTMIN+2`), or NULL if it has none.
const char *vk_signal_abbreviation(int signal);

/// Starts `path` with `argv` and `envp` in a new session (so its whole process group can be
/// killed), with every signal unblocked and default dispositions, a soft RLIMIT_NOFILE of at
/// most 1024 (FD_SETSIZE; the daemon raises its own), standard input and output
/// on /dev/null, and, when `uid`/`gid` are not -1, with those credentials (supplementary
/// groups dropped), and killed if the daemon dies. Only async-signal-safe calls run between
/// fork and exec. Returns the
/// child's pid, or -1 with errno.
pid_t vk_spawn(const char *path, char *const argv[], char *const envp[], int uid, int gid);

/// posix_spawn_file_actions_addclosefrom_np (glibc 2.34): the child closes every descriptor
/// from `low` up, so it inherits nothing it was not given.
int vk_spawn_file_actions_closefrom(posix_spawn_file_actions_t *actions, int low);

/// pidfd_open(2): a descriptor that becomes readable when the process exits.
int vk_pidfd_open(pid_t pid);

/// Marks every descriptor from `low` on close-on-exec (close_range(2) CLOSE_RANGE_CLOEXEC, or
/// one by one through /proc/self/fd): nothing a library opened without it leaks into the
/// image `execv` starts. Returns 0, or -1 when neither way worked.
int vk_cloexec_from(int low);

/// accept4(2) with SOCK_NONBLOCK | SOCK_CLOEXEC (not visible to Swift through Glibc): the new
/// connection is non-blocking and not inherited by children from the start. -1 with errno.
int vk_accept_nonblocking(int fd);

/// SO_PEERCRED of a connected Unix socket: the peer's uid and primary gid; -1 on failure.
int vk_peer_credentials(int fd, int *uid, int *gid);

/// SO_PEERGROUPS: the peer's supplementary groups, stored in `groups` when they fit in
/// `capacity`. Returns their count (more than `capacity` when they did not fit: nothing is
/// stored, call again with that much room; a process may have up to 65536), or -1.
int vk_peer_groups(int fd, int *groups, int capacity);

/// Runs one batch of nft(8) commands as one transaction through libnftables, which is loaded
/// on first use (dlopen of libnftables.so.1), so a node that never drops traffic to its
/// addresses never maps it. Returns 0; or -1 with `*error` pointing at nft's message (or why
/// the library could not be loaded), valid until the next call.
int vk_nft_run(const char *commands, const char **error);

/// Resets (sock_diag SOCK_DESTROY, as `ss -K`) every TCP connection whose local address is
/// `address` (4 bytes for AF_INET, 16 for AF_INET6), listening sockets excepted: the peer gets
/// a RST, so call it while the address is still on its device, or the RST cannot leave.
/// Returns how many were reset, with `*failures` refused ones and `*last_error` the errno of
/// the last refusal; or -errno when the sockets could not be listed (EOPNOTSUPP for a kernel
/// without CONFIG_INET_DIAG_DESTROY shows in the refusals).
int vk_reset_tcp_connections(int family, const uint8_t *address, int *failures, int *last_error);

/// Whether libnftables can be loaded on this node (loads it).
int vk_nft_available(void);

/// What one proc connector event says (track_process), for thread-group leaders only.
enum { VK_PROC_NONE = 0, VK_PROC_ACK = 1, VK_PROC_FORK = 2, VK_PROC_EXEC = 3, VK_PROC_COMM = 4, VK_PROC_EXIT = 5 };
struct vk_proc_event {
    /// One of VK_PROC_*.
    int what;
    /// The process concerned (the child of a fork); for VK_PROC_ACK the kernel's error (0: listening).
    int pid;
    /// A fork's parent.
    int parent;
    /// A name change's new name (/proc/PID/comm), NUL-terminated.
    char comm[17];
};

/// Opens a non-blocking, close-on-exec NETLINK_CONNECTOR socket subscribed to process events
/// (PROC_CN_MCAST_LISTEN, acknowledged by the kernel within 200 ms). In a network namespace
/// other than the initial one, which the connector refuses (ECONNREFUSED), the socket is
/// opened in pid 1's network namespace, or else the parent's (`*in_other_namespace` = 1).
/// -1 with errno: EPERM without CAP_NET_ADMIN, ECONNREFUSED in a namespace it cannot leave,
/// ETIMEDOUT when the kernel does not answer (another pid or user namespace).
int vk_proc_connector_open(int *in_other_namespace);

/// Reads one message: 1 with `event` filled, 0 for a message of no interest, -1 with errno
/// (EAGAIN when drained, ENOBUFS when the kernel dropped events).
int vk_proc_connector_read(int fd, struct vk_proc_event *event);

/// Arms a timerfd to expire every `interval_nanoseconds`, first after one interval.
int vk_timer_every(int fd, int64_t interval_nanoseconds);

#endif
