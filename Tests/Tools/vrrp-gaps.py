#!/usr/bin/env python3
"""Times the IPv4 VRRP adverts one source sends, seen on an interface for a bounded time.

usage: vrrp-gaps.py INTERFACE SOURCE SECONDS
Prints `total N max_gap SECONDS` (the largest time between two consecutive adverts from
SOURCE, by the kernel's receive timestamps, so a reader that runs late on a loaded machine
does not change the gaps; 0 with fewer than two adverts).
"""
import socket
import struct
import sys
import time

interface, source, seconds = sys.argv[1], socket.inet_aton(sys.argv[2]), float(sys.argv[3])
listener = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
listener.bind((interface, 0))
listener.settimeout(0.2)
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
listener.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
deadline = time.monotonic() + seconds
last = None
total = 0
max_gap = 0.0
while time.monotonic() < deadline:
    try:
        frame, ancillary, _, _ = listener.recvmsg(2048, socket.CMSG_SPACE(16))
    except socket.timeout:
        continue
    ip = frame[14:]
    if len(ip) < 20 or ip[9] != 112 or ip[12:16] != source:
        continue
    stamps = [data for level, kind, data in ancillary if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS]
    if not stamps:
        sys.exit("no kernel receive timestamp")
    seconds_part, nanoseconds = struct.unpack("qq", stamps[0][:16])
    now = seconds_part + nanoseconds / 1e9
    if last is not None:
        max_gap = max(max_gap, now - last)
    last = now
    total += 1
print(f"total {total} max_gap {max_gap:.3f}", flush=True)
