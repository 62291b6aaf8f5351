#!/usr/bin/env python3
"""Counts gratuitous ARPs for one address seen on an interface for a bounded time.

usage: arp-count.py INTERFACE ADDRESS SECONDS
Prints one line per gratuitous ARP (seconds since the first one, by the kernel's receive
timestamp, so a reader that runs late on a loaded machine does not squeeze the gaps; sender
MAC), then `total N`. A gratuitous ARP here is an ARP packet whose sender and target protocol
addresses are both ADDRESS (RFC 5227 §3), request or reply.
"""
import socket
import sys

from timestamped_frames import frames

interface, address, seconds = sys.argv[1], socket.inet_aton(sys.argv[2]), float(sys.argv[3])
first = None
total = 0
for arp, now in frames(interface, 0x0806, seconds):
    if len(arp) < 28 or arp[14:18] != address or arp[24:28] != address:
        continue
    first = first if first is not None else now
    total += 1
    print(f"{now - first:.3f} {arp[8:14].hex(':')}", flush=True)
print(f"total {total}", flush=True)
