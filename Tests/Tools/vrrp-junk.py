#!/usr/bin/env python3
"""Sends malformed and foreign VRRP packets into a segment, for vipkeeper's bad-input test.

usage: vrrp-junk.py INTERFACE SOURCE VRID VIP PASSWORD SECONDS RATE

Cycles through: wrong TTL, wrong version, unknown type, truncated, count/length mismatch,
bad checksum, unknown VRID, wrong auth type, wrong password, wrong interval, address-list
mismatch, and random bytes; each (except the last) is otherwise a well-formed advert for
VRID with priority 254. Prints how many of each it sent.
"""
import os, random, socket, struct, sys, time

def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total > 0xffff:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff

def advert(vrid, vips, password, priority=254, version=2, kind=1, interval=1, auth_type=1, fix_checksum=True):
    auth = password.encode()[:8].ljust(8, b"\0") if auth_type == 1 else b"\0" * 8
    body = struct.pack("!BBBBBBH", version << 4 | kind, vrid, priority, len(vips), auth_type, interval, 0)
    body += b"".join(socket.inet_aton(v) for v in vips) + auth
    if fix_checksum:
        body = body[:6] + struct.pack("!H", checksum(body)) + body[8:]
    return body

def ip_packet(source, payload, ttl=255):
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0xc0, 20 + len(payload), random.randint(0, 65535), 0, ttl, 112, 0,
                         socket.inet_aton(source), socket.inet_aton("224.0.0.18"))
    return header + payload

def main():
    interface, source, vrid, vip, password, seconds, rate = sys.argv[1:8]
    vrid, seconds, rate = int(vrid), float(seconds), float(rate)
    good = lambda **kw: advert(vrid, [vip], password, **kw)
    cases = {
        "ttl": lambda: ip_packet(source, good(), ttl=64),
        "version": lambda: ip_packet(source, good(version=3)),
        "type": lambda: ip_packet(source, good(kind=2)),
        "truncated": lambda: ip_packet(source, good()[:10]),
        "count": lambda: ip_packet(source, advert(vrid, [vip, vip], password)[:-4]),
        "checksum": lambda: ip_packet(source, good()[:6] + b"\xde\xad" + good()[8:]),
        "vrid": lambda: ip_packet(source, advert((vrid % 255) + 1, [vip], password)),
        "authtype": lambda: ip_packet(source, good(auth_type=0)),
        "password": lambda: ip_packet(source, advert(vrid, [vip], password + "x" if len(password) < 8 else "wrongpw!")),
        "interval": lambda: ip_packet(source, good(interval=7)),
        "addresses": lambda: ip_packet(source, advert(vrid, ["10.250.254.254"], password)),
        "random": lambda: ip_packet(source, os.urandom(random.randint(0, 60))),
    }
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, interface.encode())
    sent = {name: 0 for name in cases}
    names = list(cases)
    deadline = time.monotonic() + seconds
    index = 0
    while time.monotonic() < deadline:
        name = names[index % len(names)]
        sock.sendto(cases[name](), ("224.0.0.18", 0))
        sent[name] += 1
        index += 1
        time.sleep(1.0 / rate)
    print(" ".join("%s=%d" % item for item in sent.items()))

if __name__ == "__main__":
    main()
