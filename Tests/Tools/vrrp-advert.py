#!/usr/bin/env python3
"""Sends well-formed VRRPv2 adverts (auth PASS) into a segment, as a stand-in peer would.

usage: vrrp-advert.py INTERFACE SOURCE VRID PRIORITY PASSWORD GAP VIPS [VIPS ...]
Each VIPS argument is one advert's comma-separated address list; the adverts go out GAP
seconds apart, in order. Prints `sent N`.
"""
import importlib.util, os, socket, sys, time

spec = importlib.util.spec_from_file_location("vrrp_junk", os.path.join(os.path.dirname(os.path.abspath(__file__)), "vrrp-junk.py"))
junk = importlib.util.module_from_spec(spec)
spec.loader.exec_module(junk)

interface, source, vrid, priority, password, gap = sys.argv[1:7]
lists = [addresses.split(",") for addresses in sys.argv[7:]]
sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, interface.encode())
for index, addresses in enumerate(lists):
    if index > 0:
        time.sleep(float(gap))
    payload = junk.advert(int(vrid), addresses, password, priority=int(priority))
    sock.sendto(junk.ip_packet(source, payload), ("224.0.0.18", 0))
print(f"sent {len(lists)}", flush=True)
