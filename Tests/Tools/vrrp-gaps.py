#!/usr/bin/env python3
"""Times the IPv4 VRRP adverts one source sends, seen on an interface for a bounded time.

usage: vrrp-gaps.py INTERFACE SOURCE SECONDS
Prints `total N max_gap SECONDS` (the largest time between two consecutive adverts from
SOURCE, by the kernel's receive timestamps, so a reader that runs late on a loaded machine
does not change the gaps; 0 with fewer than two adverts).
"""
import socket
import sys

from timestamped_frames import frames

interface, source, seconds = sys.argv[1], socket.inet_aton(sys.argv[2]), float(sys.argv[3])
last = None
total = 0
max_gap = 0.0
for ip, now in frames(interface, 0x0800, seconds):
    if len(ip) < 20 or ip[9] != 112 or ip[12:16] != source:
        continue
    if last is not None:
        max_gap = max(max_gap, now - last)
    last = now
    total += 1
print(f"total {total} max_gap {max_gap:.3f}", flush=True)
