#!/usr/bin/env python3
"""GETs URL every 15 ms on a new connection (1 s timeout) for SECONDS, then prints what a
client saw as one JSON line: tries, failures (and their kinds, with when the first of each
happened, seconds from the start), and the longest time between the ends of two answered
requests. Used by the namespace tests (ClientProbe) and scripts/test-systemd.sh.

    http-probe.py URL SECONDS
"""
import http.client
import json
import sys
import time
import urllib.parse

url = urllib.parse.urlsplit(sys.argv[1])
begun = time.monotonic()
end = begun + float(sys.argv[2])
errors = {}
tries = failures = 0
last = None
gap = 0.0
while time.monotonic() < end:
    started = time.monotonic()
    tries += 1
    try:
        connection = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=1)
        connection.request("GET", url.path or "/")
        status = connection.getresponse().status
        connection.close()
        ok = status == 200
        kind = f"HTTP {status}"
    except Exception as error:
        ok = False
        kind = type(error).__name__
    now = time.monotonic()
    if ok:
        if last is not None:
            gap = max(gap, now - last)
        last = now
    else:
        failures += 1
        first = errors.setdefault(kind, [0, round(started - begun, 3)])
        first[0] += 1
    time.sleep(max(0, 0.015 - (time.monotonic() - started)))
print(json.dumps({"tries": tries, "failures": failures, "longestGap": round(gap, 4), "errors": errors}), flush=True)
