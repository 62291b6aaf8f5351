#!/usr/bin/env bash
# Re-creates the golden vectors in Tests/VRRPTests/KeepalivedGoldenVectorTests.swift (VRRPv2)
# and Tests/VRRPTests/KeepalivedV3GoldenVectorTests.swift (VRRPv3, IPv4 and IPv6).
#
# Starts the Debian keepalived (2.2.7 when the vectors were taken) in a throwaway namespace
# pair joined by a veth, captures its adverts on the far side with tcpdump, stops it with
# SIGTERM (which makes it send its priority-0 advert), and prints the first and last VRRP
# payload of each capture as hex (IP header stripped), with the source and destination the
# VRRPv3 checksum covers (RFC 5798 §5.2.8). IPv6 configurations (a `-ipv6` in the name) use
# fd00:250:99::/64 and the interface's link-local source. Run as root:
#   scripts/golden/capture-keepalived-adverts.sh
set -euo pipefail
command -v tcpdump >/dev/null || { echo "needs tcpdump (apt-get install tcpdump)" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
A=vkgolda$$
B=vkgoldb$$
KPID= TPID=
cleanup() {
    [ -z "$KPID" ] || kill "$KPID" 2>/dev/null || true
    [ -z "$TPID" ] || kill "$TPID" 2>/dev/null || true
    sleep 0.5
    ip netns del "$A" 2>/dev/null || true
    ip netns del "$B" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

capture() { # CONF
    local conf=$1 pcap=$work/$(basename "$1" .conf).pcap
    ip netns add "$A"; ip netns add "$B"
    ip link add vkg0 netns "$A" type veth peer name vkg1 netns "$B"
    ip -n "$A" addr add 10.250.99.1/24 dev vkg0; ip -n "$A" link set vkg0 up
    ip -n "$B" addr add 10.250.99.2/24 dev vkg1; ip -n "$B" link set vkg1 up
    local filter='ip proto 112'
    case $conf in *-ipv6*)
        filter='ip6 proto 112'
        ip -n "$A" addr add fd00:250:99::1/64 dev vkg0 nodad
        ip -n "$B" addr add fd00:250:99::2/64 dev vkg1 nodad ;;
    esac
    ip netns exec "$B" tcpdump -i vkg1 -U -w "$pcap" "$filter" >/dev/null 2>&1 & TPID=$!
    sleep 2
    ip netns exec "$A" keepalived -P -n -D -f "$conf" -p "$work/ka.pid" -r "$work/vrrp.pid" >/dev/null 2>&1 & KPID=$!
    sleep 9
    kill -TERM "$KPID"; wait "$KPID" 2>/dev/null || true; KPID=
    sleep 1.5
    kill "$TPID"; wait "$TPID" 2>/dev/null || true; TPID=
    ip netns del "$A"; ip netns del "$B"
    tcpdump -r "$pcap" -xx -nn 2>/dev/null | python3 -c '
import sys
packets, current = [], None
for line in sys.stdin:
    if not line.startswith("\t"):
        if current: packets.append(current)
        current = ""
    else:
        current += "".join(line.split(":", 1)[1].split())
if current: packets.append(current)
import ipaddress
for label, p in (("first", packets[0]), ("last (priority 0 on SIGTERM)", packets[-1])):
    ip = bytes.fromhex(p[28:])        # after the 14-byte Ethernet header
    if ip[0] >> 4 == 6:
        header, source, destination, limit = 40, ip[8:24], ip[24:40], ip[7]
    else:
        header, source, destination, limit = (ip[0] & 15) * 4, ip[12:16], ip[16:20], ip[8]
    print(label, ip[header:].hex(), "from", ipaddress.ip_address(source),
          "to", ipaddress.ip_address(destination), "ttl/hop limit", limit)
'
}
for conf in "$here"/keepalived-*.conf; do
    echo "== $(basename "$conf")"
    capture "$conf"
done
