// libnl-3 / libnl-route-3 as one Swift module. Every libnl object is an opaque pointer in
// Swift; the Agent target wraps each in a small typed type.
#ifndef VIPKEEPER_CNETLINK_SHIM_H
#define VIPKEEPER_CNETLINK_SHIM_H

#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/errno.h>
#include <netlink/addr.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/macvlan.h>
#include <linux/if_link.h>
#include <netlink/route/rtnl.h>
#include <netlink/route/route.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/rule.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#endif
