"""The frames of one EtherType seen on an interface for a bounded time, each with the kernel's
receive timestamp (SO_TIMESTAMPNS), so a reader that runs late on a loaded machine does not
change the times. Shared by arp-count.py and vrrp-gaps.py.
"""
import socket
import struct
import sys
import time

SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)


def frames(interface, ethertype, seconds):
    """Yields (payload after the Ethernet header, receive time in seconds) until `seconds` pass."""
    listener = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ethertype))
    listener.bind((interface, 0))
    listener.settimeout(0.2)
    listener.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            frame, ancillary, _, _ = listener.recvmsg(2048, socket.CMSG_SPACE(16))
        except socket.timeout:
            continue
        stamps = [data for level, kind, data in ancillary if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS]
        if not stamps:
            sys.exit("no kernel receive timestamp")
        seconds_part, nanoseconds = struct.unpack("qq", stamps[0][:16])
        yield frame[14:], seconds_part + nanoseconds / 1e9
