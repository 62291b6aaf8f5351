// The kernel's process events connector (NETLINK_CONNECTOR, CN_IDX_PROC), for track_process:
// subscribing, and reading one event at a time into a plain struct Swift can take.
#define _GNU_SOURCE
#include "CLinux.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <linux/connector.h>
#include <linux/cn_proc.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <sys/timerfd.h>

static int open_and_listen(void) {
    int fd = socket(PF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_CONNECTOR);
    if (fd < 0) return -1;
    struct sockaddr_nl address = { .nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC, .nl_pid = 0 };
    if (bind(fd, (struct sockaddr *)&address, sizeof(address)) < 0) goto fail;

    struct __attribute__((aligned(NLMSG_ALIGNTO))) {
        struct nlmsghdr header;
        struct __attribute__((__packed__)) {
            struct cn_msg message;
            enum proc_cn_mcast_op op;
        };
    } request;
    memset(&request, 0, sizeof(request));
    request.header.nlmsg_len = sizeof(request);
    request.header.nlmsg_type = NLMSG_DONE;
    request.message.id.idx = CN_IDX_PROC;
    request.message.id.val = CN_VAL_PROC;
    request.message.len = sizeof(enum proc_cn_mcast_op);
    request.op = PROC_CN_MCAST_LISTEN;
    if (send(fd, &request, sizeof(request), 0) < 0) goto fail;

    // The kernel acknowledges a LISTEN it accepts, or refuses, with a PROC_EVENT_NONE whose
    // err is the refusal (EPERM without CAP_NET_ADMIN); a request it ignores (another user or
    // pid namespace) gets no answer. Wait for it briefly.
    for (int waited = 0; waited < 20; waited++) {
        struct pollfd poller = { .fd = fd, .events = POLLIN };
        if (poll(&poller, 1, 10) < 0 && errno != EINTR) goto fail;
        struct vk_proc_event event;
        for (;;) {
            int got = vk_proc_connector_read(fd, &event);
            if (got < 0) break;
            if (got == 1 && event.what == VK_PROC_ACK) {
                if (event.pid != 0) { errno = event.pid; goto fail; }
                return fd;
            }
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK) goto fail;
    }
    errno = ETIMEDOUT;
fail:;
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
}

/// Opens the connector from the network namespace in `path` (and comes back); -1 with errno.
static int open_from(const char *path) {
    struct stat here_status, there_status;
    if (stat("/proc/thread-self/ns/net", &here_status) < 0 || stat(path, &there_status) < 0) return -1;
    if (here_status.st_dev == there_status.st_dev && here_status.st_ino == there_status.st_ino) {
        errno = ECONNREFUSED;
        return -1;
    }
    int here = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (here < 0) return -1;
    int there = open(path, O_RDONLY | O_CLOEXEC);
    if (there < 0 || setns(there, CLONE_NEWNET) < 0) {
        int saved = errno;
        if (there >= 0) close(there);
        close(here);
        errno = saved;
        return -1;
    }
    int fd = open_and_listen();
    int saved = errno;
    // A thread left in another namespace would send VRRP from there: better not to run.
    if (setns(here, CLONE_NEWNET) < 0) abort();
    close(here);
    close(there);
    errno = saved;
    return fd;
}

int vk_proc_connector_open(int *in_other_namespace) {
    *in_other_namespace = 0;
    int fd = open_and_listen();
    if (fd >= 0) return fd;
    int first = errno;
    if (first != ECONNREFUSED) return -1;
    // The connector serves the initial network namespace only; from another one (a daemon
    // started with `ip netns exec`) the kernel refuses. Process events are not per network
    // namespace, so the socket is opened in pid 1's namespace, or else in the parent's (the
    // shell that ran `ip netns exec`), which needs CAP_SYS_ADMIN, and read from here.
    char parent[64];
    snprintf(parent, sizeof(parent), "/proc/%d/ns/net", (int)getppid());
    const char *candidates[] = { "/proc/1/ns/net", parent };
    for (unsigned i = 0; i < 2; i++) {
        fd = open_from(candidates[i]);
        if (fd >= 0) {
            *in_other_namespace = 1;
            return fd;
        }
    }
    errno = first;
    return -1;
}

int vk_proc_connector_read(int fd, struct vk_proc_event *event) {
    // A proc_event is 8-byte aligned but follows a 16-byte nlmsghdr and a 20-byte cn_msg:
    // read the headers and the event into separate buffers (keepalived does the same).
    struct nlmsghdr header;
    struct cn_msg message;
    struct proc_event payload;
    memset(&payload, 0, sizeof(payload));
    struct iovec parts[3] = {
        { .iov_base = &header, .iov_len = sizeof(header) },
        { .iov_base = &message, .iov_len = sizeof(message) },
        { .iov_base = &payload, .iov_len = sizeof(payload) },
    };
    struct sockaddr_nl from;
    struct msghdr envelope = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = parts, .msg_iovlen = 3 };
    ssize_t length = recvmsg(fd, &envelope, 0);
    if (length < 0) return -1;
    memset(event, 0, sizeof(*event));
    if (from.nl_pid != 0) return 0;  // only the kernel speaks here
    if (length < (ssize_t)(sizeof(header) + sizeof(message)) || header.nlmsg_type == NLMSG_ERROR) return 0;
    if (message.id.idx != CN_IDX_PROC || message.id.val != CN_VAL_PROC) return 0;
    switch (payload.what) {
    case PROC_EVENT_NONE:
        event->what = VK_PROC_ACK;
        event->pid = (int)payload.event_data.ack.err;
        return 1;
    case PROC_EVENT_FORK:
        // A new thread is not a new process.
        if (payload.event_data.fork.child_pid != payload.event_data.fork.child_tgid) return 0;
        event->what = VK_PROC_FORK;
        event->pid = payload.event_data.fork.child_tgid;
        event->parent = payload.event_data.fork.parent_tgid;
        return 1;
    case PROC_EVENT_EXEC:
        if (payload.event_data.exec.process_pid != payload.event_data.exec.process_tgid) return 0;
        event->what = VK_PROC_EXEC;
        event->pid = payload.event_data.exec.process_tgid;
        return 1;
    case PROC_EVENT_COMM:
        if (payload.event_data.comm.process_pid != payload.event_data.comm.process_tgid) return 0;
        event->what = VK_PROC_COMM;
        event->pid = payload.event_data.comm.process_tgid;
        memcpy(event->comm, payload.event_data.comm.comm, sizeof(payload.event_data.comm.comm));
        event->comm[sizeof(event->comm) - 1] = 0;
        return 1;
    case PROC_EVENT_EXIT:
        if (payload.event_data.exit.process_pid != payload.event_data.exit.process_tgid) return 0;
        event->what = VK_PROC_EXIT;
        event->pid = payload.event_data.exit.process_tgid;
        return 1;
    default:
        return 0;
    }
}

int vk_timer_every(int fd, int64_t interval_nanoseconds) {
    struct timespec interval = { .tv_sec = interval_nanoseconds / 1000000000, .tv_nsec = interval_nanoseconds % 1000000000 };
    struct itimerspec spec = { .it_interval = interval, .it_value = interval };
    return timerfd_settime(fd, 0, &spec, NULL);
}
