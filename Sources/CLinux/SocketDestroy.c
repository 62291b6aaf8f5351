// Resetting the TCP connections of an address the node is giving up: sock_diag(7)'s
// SOCK_DIAG_BY_FAMILY dump to find them, then SOCK_DESTROY for each (what `ss -K` does; the
// kernel needs CONFIG_INET_DIAG_DESTROY and the caller CAP_NET_ADMIN).
#define _GNU_SOURCE
#include "CLinux.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/inet_diag.h>

/// The states whose connections are reset: everything with a peer. Listening sockets (a
/// service bound to the address waits for it to come back), TIME_WAIT and request sockets
/// (SYN_RECV) are left alone.
#define VK_RESET_STATES ((1 << TCP_ESTABLISHED) | (1 << TCP_SYN_SENT) | (1 << TCP_FIN_WAIT1) | (1 << TCP_FIN_WAIT2) | \
                         (1 << TCP_CLOSE_WAIT) | (1 << TCP_LAST_ACK) | (1 << TCP_CLOSING))

struct vk_diag_request {
    struct nlmsghdr header;
    struct inet_diag_req_v2 request;
};

static int send_request(int fd, uint16_t type, uint16_t flags, const struct inet_diag_req_v2 *request, uint32_t sequence) {
    struct vk_diag_request message;
    memset(&message, 0, sizeof(message));
    message.header.nlmsg_len = sizeof(message);
    message.header.nlmsg_type = type;
    message.header.nlmsg_flags = NLM_F_REQUEST | flags;
    message.header.nlmsg_seq = sequence;
    message.request = *request;
    struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
    return sendto(fd, &message, sizeof(message), 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0 ? -errno : 0;
}

/// One family's pass: the sockets of `family` whose local address is the `length` bytes at
/// `address` (in idiag_src's layout) are reset. Returns how many, or -errno.
static int reset_family(int family, const uint8_t *address, size_t length, int *failures, int *last_error) {
    int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0) return -errno;

    struct inet_diag_req_v2 dump;
    memset(&dump, 0, sizeof(dump));
    dump.sdiag_family = (uint8_t)family;
    dump.sdiag_protocol = IPPROTO_TCP;
    dump.idiag_states = VK_RESET_STATES;
    int status = send_request(fd, SOCK_DIAG_BY_FAMILY, NLM_F_DUMP, &dump, 1);
    if (status < 0) { close(fd); return status; }

    // The matching sockets, read whole before any is destroyed (a dump must not change under
    // it). Static: the daemon calls this from its one event-loop thread only.
    enum { capacity = 4096 };
    static struct inet_diag_sockid found[capacity];
    int count = 0;
    static char buffer[32768] __attribute__((aligned(NLMSG_ALIGNTO)));
    for (int done = 0; !done;) {
        ssize_t received = recv(fd, buffer, sizeof(buffer), 0);
        if (received < 0) {
            if (errno == EINTR) continue;
            status = -errno;
            close(fd);
            return status;
        }
        if (received == 0) break;
        int remaining = (int)received;
        for (struct nlmsghdr *header = (struct nlmsghdr *)buffer; NLMSG_OK(header, remaining);
             header = NLMSG_NEXT(header, remaining)) {
            if (header->nlmsg_type == NLMSG_DONE) { done = 1; break; }
            if (header->nlmsg_type == NLMSG_ERROR) {
                struct nlmsgerr *error = NLMSG_DATA(header);
                close(fd);
                return error->error < 0 ? error->error : -EPROTO;
            }
            if (header->nlmsg_type != SOCK_DIAG_BY_FAMILY) continue;
            struct inet_diag_msg *socket_message = NLMSG_DATA(header);
            if (memcmp(socket_message->id.idiag_src, address, length) != 0) continue;
            if (count < capacity) found[count++] = socket_message->id;
        }
    }

    int reset = 0;
    for (int index = 0; index < count; index++) {
        struct inet_diag_req_v2 destroy;
        memset(&destroy, 0, sizeof(destroy));
        destroy.sdiag_family = (uint8_t)family;
        destroy.sdiag_protocol = IPPROTO_TCP;
        destroy.idiag_states = VK_RESET_STATES;
        destroy.id = found[index];
        status = send_request(fd, SOCK_DESTROY, NLM_F_ACK, &destroy, (uint32_t)index + 2);
        if (status == 0) {
            ssize_t received;
            do { received = recv(fd, buffer, sizeof(buffer), 0); } while (received < 0 && errno == EINTR);
            struct nlmsghdr *header = (struct nlmsghdr *)buffer;
            if (received < 0) status = -errno;
            else if (NLMSG_OK(header, (int)received) && header->nlmsg_type == NLMSG_ERROR)
                status = ((struct nlmsgerr *)NLMSG_DATA(header))->error;
        }
        // ENOENT: the connection closed between the dump and now, nothing to reset.
        if (status == 0) reset++;
        else if (status != -ENOENT) { (*failures)++; *last_error = -status; }
    }
    close(fd);
    return reset;
}

int vk_reset_tcp_connections(int family, const uint8_t *address, int *failures, int *last_error) {
    *failures = 0;
    *last_error = 0;
    if (family == AF_INET6) return reset_family(AF_INET6, address, 16, failures, last_error);
    int reset = reset_family(AF_INET, address, 4, failures, last_error);
    if (reset < 0) return reset;
    // A dual-stack listener ([::]:PORT without IPV6_V6ONLY) accepts IPv4 clients on IPv6
    // sockets whose local address is the IPv4-mapped ::ffff:a.b.c.d (RFC 4291 §2.5.5.2).
    uint8_t mapped[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, address[0], address[1], address[2], address[3] };
    int more = reset_family(AF_INET6, mapped, 16, failures, last_error);
    // A node without IPv6 (the module absent, or disabled) has no such sockets.
    return more < 0 ? reset : reset + more;
}
