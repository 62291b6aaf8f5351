#!/usr/bin/env python3
"""Counts gratuitous ARPs for one address seen on an interface for a bounded time.

usage: arp-count.py INTERFACE ADDRESS SECONDS
Prints one line per gratuitous ARP (seconds since the first one, by the kernel's receive
timestamp, so a reader that runs late on a loaded machine does not squeeze the gaps; sender
MAC), then `total N`. A gratuitous ARP here is an ARP packet whose sender and target protocol
addresses are both ADDRESS (RFC 5227 §3), request or reply.
"""
import socket
import struct
import sys
import time

interface, address, seconds = sys.argv[1], socket.inet_aton(sys.argv[2]), float(sys.argv[3])
listener = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0806))
listener.bind((interface, 0))
listener.settimeout(0.2)
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
listener.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
deadline = time.monotonic() + seconds
first = None
total = 0
while time.monotonic() < deadline:
    try:
        frame, ancillary, _, _ = listener.recvmsg(2048, socket.CMSG_SPACE(16))
    except socket.timeout:
        continue
    arp = frame[14:]
    if len(arp) < 28 or arp[14:18] != address or arp[24:28] != address:
        continue
    stamps = [data for level, kind, data in ancillary if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS]
    if not stamps:
        sys.exit("no kernel receive timestamp")
    seconds_part, nanoseconds = struct.unpack("qq", stamps[0][:16])
    now = seconds_part + nanoseconds / 1e9
    first = first if first is not None else now
    total += 1
    print(f"{now - first:.3f} {arp[8:14].hex(':')}", flush=True)
print(f"total {total}", flush=True)
