#define _GNU_SOURCE
#include "CLinux.h"

#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/filter.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>
#include <fcntl.h>
#include <grp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <poll.h>
#include <sys/timerfd.h>
#include <time.h>

int vk_recv_packets(int fd, void *buffers, size_t length, unsigned count, size_t *lengths, int *ifindexes) {
    enum { most = 64 };
    if (count > most) count = most;
    struct mmsghdr messages[most];
    struct iovec iovs[most];
    union { char bytes[CMSG_SPACE(sizeof(struct in_pktinfo)) + CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } controls[most];
    memset(messages, 0, sizeof(messages[0]) * count);
    for (unsigned i = 0; i < count; i++) {
        iovs[i].iov_base = (char *)buffers + i * length;
        iovs[i].iov_len = length;
        messages[i].msg_hdr.msg_iov = &iovs[i];
        messages[i].msg_hdr.msg_iovlen = 1;
        messages[i].msg_hdr.msg_control = controls[i].bytes;
        messages[i].msg_hdr.msg_controllen = sizeof(controls[i].bytes);
    }
    int received = recvmmsg(fd, messages, count, MSG_DONTWAIT, NULL);
    if (received < 0) return received;
    for (int i = 0; i < received; i++) {
        lengths[i] = messages[i].msg_len;
        ifindexes[i] = 0;
        struct msghdr *message = &messages[i].msg_hdr;
        for (struct cmsghdr *cmsg = CMSG_FIRSTHDR(message); cmsg != NULL; cmsg = CMSG_NXTHDR(message, cmsg)) {
            if (cmsg->cmsg_level == IPPROTO_IP && cmsg->cmsg_type == IP_PKTINFO) {
                struct in_pktinfo info;
                memcpy(&info, CMSG_DATA(cmsg), sizeof(info));
                ifindexes[i] = info.ipi_ifindex;
            }
        }
    }
    return received;
}

/// sendmsg(2) of one buffer to `to` with one control message (level, type, data): how both
/// raw VRRP sockets pick the source address and outgoing interface per packet. A `ttl` of 1 to
/// 255 adds a second control message, `ttl_type` (IP_TTL or IPV6_HOPLIMIT) at `level`: the
/// TTL of this packet only (keepalived `unicast_ttl`); -1 keeps the socket's.
static ssize_t send_with_control(int fd, const void *buffer, size_t length, void *to, socklen_t to_length,
                                 int level, int type, const void *data, size_t data_length, int ttl_type, int ttl) {
    struct iovec iov = { .iov_base = (void *)buffer, .iov_len = length };
    union { char bytes[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } control;
    memset(&control, 0, sizeof(control));
    struct msghdr message = { 0 };
    message.msg_name = to;
    message.msg_namelen = to_length;
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control.bytes;
    message.msg_controllen = CMSG_SPACE(data_length);
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&message);
    cmsg->cmsg_level = level;
    cmsg->cmsg_type = type;
    cmsg->cmsg_len = CMSG_LEN(data_length);
    memcpy(CMSG_DATA(cmsg), data, data_length);
    if (ttl >= 1 && ttl <= 255) {
        message.msg_controllen += CMSG_SPACE(sizeof(int));
        cmsg = CMSG_NXTHDR(&message, cmsg);
        cmsg->cmsg_level = level;
        cmsg->cmsg_type = ttl_type;
        cmsg->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cmsg), &ttl, sizeof(int));
    }
    return sendmsg(fd, &message, MSG_DONTWAIT);
}

ssize_t vk_send_packet(int fd, const void *buffer, size_t length, uint32_t destination, uint32_t source, int ifindex, int ttl) {
    struct sockaddr_in to = { 0 };
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = destination;
    struct in_pktinfo info = { 0 };
    info.ipi_ifindex = ifindex;
    info.ipi_spec_dst.s_addr = source;
    return send_with_control(fd, buffer, length, &to, sizeof(to), IPPROTO_IP, IP_PKTINFO, &info, sizeof(info), IP_TTL, ttl);
}

int vk_multicast_membership(int fd, uint32_t group, int ifindex, int join) {
    struct ip_mreqn request = { 0 };
    request.imr_multiaddr.s_addr = group;
    request.imr_ifindex = ifindex;
    return setsockopt(fd, IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, &request, sizeof(request));
}

int vk_multicast_interface(int fd, int ifindex) {
    struct ip_mreqn request = { 0 };
    request.imr_ifindex = ifindex;
    return setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &request, sizeof(request));
}

int vk_signalfd(const int *signals, int count) {
    sigset_t mask;
    sigemptyset(&mask);
    for (int i = 0; i < count; i++) sigaddset(&mask, signals[i]);
    if (sigprocmask(SIG_BLOCK, &mask, NULL) != 0) return -1;
    return signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
}

int vk_signalfd_read(int fd) {
    struct signalfd_siginfo info;
    ssize_t got = read(fd, &info, sizeof(info));
    if (got != (ssize_t)sizeof(info)) return 0;
    return (int)info.ssi_signo;
}

int vk_ignore_signal(int signal) {
    struct sigaction action = { 0 };
    action.sa_handler = SIG_IGN;
    sigemptyset(&action.sa_mask);
    return sigaction(signal, &action, NULL);
}

int vk_signal_realtime_min(void) { return SIGRTMIN; }

int vk_signal_realtime_max(void) { return SIGRTMAX; }

const char *vk_signal_abbreviation(int signal) {
    return sigabbrev_np(signal);
}

int vk_arp_socket(int receive) {
    // Protocol 0 receives nothing: a send-only socket never queues the segment's ARP traffic.
    // Non-blocking both ways: a full transmit queue fails a frame (counted), never stalls the loop.
    return socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, receive ? htons(ETH_P_ARP) : 0);
}

int vk_na_socket(void) {
    int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(ETH_P_IPV6));
    if (fd < 0) return -1;
    // Offsets are from the IPv6 header (a datagram socket strips the Ethernet header).
    struct sock_filter code[] = {
        BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 6),           // next header
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 58, 0, 3),   // ICMPv6
        BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 40),          // ICMPv6 type
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 136, 0, 1),  // Neighbor Advertisement
        BPF_STMT(BPF_RET | BPF_K, 0xffff),
        BPF_STMT(BPF_RET | BPF_K, 0),
    };
    struct sock_fprog program = { .len = sizeof(code) / sizeof(code[0]), .filter = code };
    if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof(program)) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

ssize_t vk_recv_arp(int fd, void *buffer, size_t length, int *ifindex, int *outgoing) {
    struct sockaddr_ll from = { 0 };
    socklen_t size = sizeof(from);
    ssize_t count = recvfrom(fd, buffer, length, 0, (struct sockaddr *)&from, &size);
    if (count >= 0) {
        *ifindex = from.sll_ifindex;
        *outgoing = from.sll_pkttype == PACKET_OUTGOING;
    }
    return count;
}

ssize_t vk_send_arp(int fd, const void *payload, size_t length, int ifindex) {
    struct sockaddr_ll to = { 0 };
    to.sll_family = AF_PACKET;
    to.sll_protocol = htons(ETH_P_ARP);
    to.sll_ifindex = ifindex;
    to.sll_halen = ETH_ALEN;
    memset(to.sll_addr, 0xff, ETH_ALEN);
    return sendto(fd, payload, length, 0, (struct sockaddr *)&to, sizeof(to));
}

pid_t vk_spawn(const char *path, char *const argv[], char *const envp[], int uid, int gid) {
    pid_t pid = fork();
    if (pid != 0) return pid;
    setsid();
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (int sig = 1; sig < NSIG; sig++) signal(sig, SIG_DFL);
    // The daemon raised its soft RLIMIT_NOFILE to the hard limit; a script gets the usual
    // 1024 back (as systemd gives its services), for programs that select(2) or close every
    // descriptor up to the limit.
    struct rlimit files;
    if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur > FD_SETSIZE) {
        files.rlim_cur = FD_SETSIZE;
        setrlimit(RLIMIT_NOFILE, &files);
    }
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        if (null > 2) close(null);
    }
    // Our descriptors are close-on-exec; this also covers any a library opened without it.
    closefrom(3);
    if (gid >= 0) {
        gid_t group = (gid_t)gid;
        if (setgroups(1, &group) != 0 || setgid(group) != 0) _exit(126);
    }
    if (uid >= 0 && setuid((uid_t)uid) != 0) _exit(126);
    // Set after the credential change, which would clear it: if the daemon dies, so does this.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    execve(path, argv, envp);
    _exit(127);
}

int vk_spawn_file_actions_closefrom(posix_spawn_file_actions_t *actions, int low) {
    return posix_spawn_file_actions_addclosefrom_np(actions, low);
}

int vk_pidfd_open(pid_t pid) {
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

#include <dirent.h>
#include <stdlib.h>
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

int vk_cloexec_from(int low) {
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned)low, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return 0;
#endif
    // Before Linux 5.11: every open descriptor from `low` on, one by one.
    DIR *directory = opendir("/proc/self/fd");
    if (directory == NULL) return -1;
    int own = dirfd(directory);
    struct dirent *entry;
    while ((entry = readdir(directory)) != NULL) {
        int fd = atoi(entry->d_name);
        if (fd < low || fd == own || entry->d_name[0] == '.') continue;
        int flags = fcntl(fd, F_GETFD);
        if (flags >= 0) fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
    }
    closedir(directory);
    return 0;
}

int vk_accept_nonblocking(int fd) {
    return accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

int vk_peer_credentials(int fd, int *uid, int *gid) {
    struct ucred credentials;
    socklen_t size = sizeof(credentials);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &size) != 0) return -1;
    *uid = (int)credentials.uid;
    *gid = (int)credentials.gid;
    return 0;
}

int vk_peer_groups(int fd, int *groups, int capacity) {
    _Static_assert(sizeof(gid_t) == sizeof(int), "gid_t is 32 bits");
    if (capacity < 0) capacity = 0;
    socklen_t size = (socklen_t)((size_t)capacity * sizeof(gid_t));
    if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, capacity > 0 ? (void *)groups : NULL, &size) != 0) {
        /* Too small: the kernel stores the size it needs in `size`. */
        if (errno == ERANGE) return (int)(size / sizeof(gid_t));
        return -1;
    }
    return (int)(size / sizeof(gid_t));
}

int vk_poll(void *fds, unsigned long count, int64_t timeout_nanoseconds) {
    if (timeout_nanoseconds < 0) timeout_nanoseconds = 0;
    struct timespec timeout = { .tv_sec = timeout_nanoseconds / 1000000000, .tv_nsec = timeout_nanoseconds % 1000000000 };
    return ppoll((struct pollfd *)fds, (nfds_t)count, &timeout, NULL);
}

int vk_timer_create(void) {
    return timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
}

int vk_timer_arm(int fd, int64_t deadline_nanoseconds) {
    if (deadline_nanoseconds < 1) deadline_nanoseconds = 1;  /* 0 would disarm */
    struct itimerspec spec = {
        .it_interval = { 0, 0 },
        .it_value = { .tv_sec = deadline_nanoseconds / 1000000000, .tv_nsec = deadline_nanoseconds % 1000000000 },
    };
    return timerfd_settime(fd, TFD_TIMER_ABSTIME, &spec, NULL);
}

int vk_vrrp6_setup(int fd, int ifindex, const char **failed) {
    int on = 1, off = 0, hops = 255;
    struct { int level, name; const void *value; socklen_t size; const char *what; } options[] = {
        { IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on), "IPV6_RECVPKTINFO" },
        { IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on), "IPV6_RECVHOPLIMIT" },
        { IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops), "IPV6_MULTICAST_HOPS 255" },
        { IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(hops), "IPV6_UNICAST_HOPS 255" },
        { IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &off, sizeof(off), "IPV6_MULTICAST_LOOP off" },
        { IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof(ifindex), "IPV6_MULTICAST_IF" },
    };
    for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++) {
        if (setsockopt(fd, options[i].level, options[i].name, options[i].value, options[i].size) != 0) {
            *failed = options[i].what;
            return -1;
        }
    }
    return 0;
}

ssize_t vk_recv_packet6(int fd, void *buffer, size_t length, uint8_t *source, uint8_t *destination, int *hoplimit, int *ifindex) {
    struct sockaddr_in6 from = { 0 };
    struct iovec iov = { .iov_base = buffer, .iov_len = length };
    union { char bytes[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int)) + 64]; struct cmsghdr align; } control;
    struct msghdr message = { 0 };
    message.msg_name = &from;
    message.msg_namelen = sizeof(from);
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control.bytes;
    message.msg_controllen = sizeof(control.bytes);
    ssize_t received = recvmsg(fd, &message, MSG_DONTWAIT);
    if (received < 0) return received;
    memcpy(source, &from.sin6_addr, 16);
    memset(destination, 0, 16);
    *hoplimit = -1;
    *ifindex = 0;
    for (struct cmsghdr *cmsg = CMSG_FIRSTHDR(&message); cmsg != NULL; cmsg = CMSG_NXTHDR(&message, cmsg)) {
        if (cmsg->cmsg_level != IPPROTO_IPV6) continue;
        if (cmsg->cmsg_type == IPV6_PKTINFO) {
            struct in6_pktinfo info;
            memcpy(&info, CMSG_DATA(cmsg), sizeof(info));
            memcpy(destination, &info.ipi6_addr, 16);
            *ifindex = (int)info.ipi6_ifindex;
        } else if (cmsg->cmsg_type == IPV6_HOPLIMIT) {
            memcpy(hoplimit, CMSG_DATA(cmsg), sizeof(int));
        }
    }
    return received;
}

ssize_t vk_send_packet6(int fd, const void *buffer, size_t length, const uint8_t *destination, const uint8_t *source, int ifindex, int hop_limit) {
    struct sockaddr_in6 to = { 0 };
    to.sin6_family = AF_INET6;
    memcpy(&to.sin6_addr, destination, 16);
    if (IN6_IS_ADDR_LINKLOCAL(&to.sin6_addr) || IN6_IS_ADDR_MC_LINKLOCAL(&to.sin6_addr)) to.sin6_scope_id = (uint32_t)ifindex;
    struct in6_pktinfo info;
    memset(&info, 0, sizeof(info));
    memcpy(&info.ipi6_addr, source, 16);
    info.ipi6_ifindex = (unsigned)ifindex;
    return send_with_control(fd, buffer, length, &to, sizeof(to), IPPROTO_IPV6, IPV6_PKTINFO, &info, sizeof(info), IPV6_HOPLIMIT, hop_limit);
}

int vk_multicast6_membership(int fd, const uint8_t *group, int ifindex, int join) {
    struct ipv6_mreq request;
    memset(&request, 0, sizeof(request));
    memcpy(&request.ipv6mr_multiaddr, group, 16);
    request.ipv6mr_interface = (unsigned)ifindex;
    return setsockopt(fd, IPPROTO_IPV6, join ? IPV6_ADD_MEMBERSHIP : IPV6_DROP_MEMBERSHIP, &request, sizeof(request));
}

ssize_t vk_send_ipv6_frame(int fd, const void *packet, size_t length, int ifindex, const uint8_t *mac) {
    struct sockaddr_ll to = { 0 };
    to.sll_family = AF_PACKET;
    to.sll_protocol = htons(ETH_P_IPV6);
    to.sll_ifindex = ifindex;
    to.sll_halen = ETH_ALEN;
    memcpy(to.sll_addr, mac, ETH_ALEN);
    return sendto(fd, packet, length, 0, (struct sockaddr *)&to, sizeof(to));
}
