#!/usr/bin/env bash
# Re-creates the golden VRRPv2 vectors in Tests/VRRPTests/KeepalivedGoldenVectors.swift.
#
# Starts the Debian keepalived (2.2.7 when the vectors were taken) in a throwaway namespace
# pair joined by a veth, captures its adverts on the far side with tcpdump, stops it with
# SIGTERM (which makes it send its priority-0 advert), and prints the first and last VRRP
# payload of each capture as hex (IP header stripped). Run as root:
#   scripts/golden/capture-keepalived-adverts.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
A=vkgolda$$
B=vkgoldb$$
KPID= TPID=
cleanup() {
    [ -n "$KPID" ] && kill "$KPID" 2>/dev/null
    [ -n "$TPID" ] && kill "$TPID" 2>/dev/null
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
    ip netns exec "$B" tcpdump -i vkg1 -U -w "$pcap" 'ip proto 112' >/dev/null 2>&1 & TPID=$!
    sleep 1
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
for label, p in (("first", packets[0]), ("last (priority 0 on SIGTERM)", packets[-1])):
    ihl = int(p[29], 16) * 4          # IPv4 header length after the 14-byte Ethernet header
    print(label, p[28 + 2 * ihl:])
'
}
for conf in "$here"/keepalived-*.conf; do
    echo "== $(basename "$conf")"
    capture "$conf"
done
