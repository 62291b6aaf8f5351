"""A lab in network namespaces for measuring keepalived and vipkeeper side by side.

Python standard library only. Every namespace is named vkb<pid>-<role>, every address is in
10.250.30.0/24 (10.250.31.0/24 for extra VIPs) or fd00:250:30::/64, and everything made is removed on exit,
processes killed by pid. Times are CLOCK_MONOTONIC; VIP appearances and disappearances are
read from rtnetlink in each node's namespace (no polling), adverts from an AF_PACKET socket
with kernel timestamps, and the client's view from an HTTP probe inside the client namespace.
"""

import atexit
import ctypes
import json
import os
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEEPALIVED = "/usr/sbin/keepalived"
SUBNET = "10.250.30"
SUBNET6 = "fd00:250:30:"
VIP = SUBNET + ".100"
CLIENT = SUBNET + ".200"
# The protocol the generated keepalived.conf speaks (`configure`): VRRPv2 over IPv4 at 1 s by
# default; VRRPv3 over IPv4 or IPv6 at a fractional interval for the v3 runs.
VERSION = 2
ADVERT_INT = 1.0
FAMILY = "ipv4"
CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)
_libc.setns.argtypes = [ctypes.c_int, ctypes.c_int]


def sh(command, check=True, quiet=False):
    """Runs a shell command; a failure raises (a set-up step that fails fails the run)."""
    result = subprocess.run(command, shell=True, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise RuntimeError(f"`{command}` failed ({result.returncode}): {result.stderr.strip()}")
    return result.stdout


def now():
    return time.monotonic()


def enter_namespace(name):
    """Moves the calling thread (only) into a network namespace."""
    fd = os.open(f"/run/netns/{name}", os.O_RDONLY)
    try:
        if _libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns {name}")
    finally:
        os.close(fd)


def summary(values):
    """min/median/p95/max of a list of seconds (None when nothing was measured)."""
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
    return {"n": len(values), "min": values[0], "median": statistics.median(values), "p95": p95, "max": values[-1]}


def percentile(values, fraction):
    values = sorted(values)
    if not values:
        return None
    return values[min(len(values) - 1, int(round(fraction * (len(values) - 1))))]


def configure(version=2, interval=1.0, family="ipv4"):
    """Sets the protocol of every generated configuration and the VIP the lab watches:
    VRRPv3 (RFC 5798) for a fractional interval or IPv6."""
    global VERSION, ADVERT_INT, FAMILY, VIP
    if (interval != int(interval) or family == "ipv6") and version != 3:
        sys.exit("a fractional advert_int or IPv6 needs --version 3")
    VERSION, ADVERT_INT, FAMILY = version, float(interval), family
    VIP = SUBNET6 + ":100" if family == "ipv6" else SUBNET + ".100"


def protocol_line():
    return f"VRRPv{VERSION} over {'IPv6' if FAMILY == 'ipv6' else 'IPv4'}, advert_int {interval_text(ADVERT_INT)} s"


def interval_text(interval):
    return str(int(interval)) if interval == int(interval) else f"{interval:g}"


def skew_time(priority, interval=None):
    """RFC 3768 §6.1: (256 − Priority) / 256 s; RFC 5798 §6.1: the same times
    Master_Adver_Interval."""
    interval = ADVERT_INT if interval is None else interval
    return (256 - priority) / 256 * (interval if VERSION == 3 else 1.0)


def master_down_interval(priority, interval=None):
    interval = ADVERT_INT if interval is None else interval
    return 3 * interval + skew_time(priority, interval)


class AddressWatch(threading.Thread):
    """Records every RTM_NEWADDR/RTM_DELADDR of IPv4 and IPv6 addresses in one namespace."""

    RTMGRP_IPV4_IFADDR = 0x10
    RTMGRP_IPV6_IFADDR = 0x100

    def __init__(self, namespace):
        super().__init__(daemon=True)
        self.namespace = namespace
        self.events = []  # (monotonic time, "add"|"del", address)
        self.lock = threading.Lock()
        self.ready = threading.Event()
        self.stopping = False

    def run(self):
        enter_namespace(self.namespace)
        sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
        sock.bind((0, self.RTMGRP_IPV4_IFADDR | self.RTMGRP_IPV6_IFADDR))
        sock.settimeout(0.2)
        self.ready.set()
        while not self.stopping:
            try:
                data = sock.recv(65536)
            except socket.timeout:
                continue
            stamp = now()
            offset = 0
            while offset + 16 <= len(data):
                length, kind = struct.unpack_from("=IH", data, offset)
                if length < 16:
                    break
                if kind in (20, 21):  # RTM_NEWADDR, RTM_DELADDR
                    family = data[offset + 16]
                    attributes = offset + 16 + 8
                    while attributes + 4 <= offset + length:
                        alen, atype = struct.unpack_from("=HH", data, attributes)
                        if alen < 4:
                            break
                        address = None
                        if family == socket.AF_INET and atype == 2 and alen == 8:  # IFA_LOCAL
                            address = socket.inet_ntoa(data[attributes + 4:attributes + 8])
                        elif family == socket.AF_INET6 and atype == 1 and alen == 20:  # IFA_ADDRESS
                            address = socket.inet_ntop(socket.AF_INET6, data[attributes + 4:attributes + 20])
                        if address:
                            with self.lock:
                                self.events.append((stamp, "add" if kind == 20 else "del", address))
                        attributes += (alen + 3) & ~3
                offset += (length + 3) & ~3
        sock.close()

    def since(self, start, address=None):
        with self.lock:
            return [e for e in self.events if e[0] >= start and (address is None or e[2] == address)]


class AdvertCapture(threading.Thread):
    """Every VRRP packet on a namespace's eth0, with its kernel receive time (SO_TIMESTAMPNS)."""

    def __init__(self, namespace, exclude=None):
        super().__init__(daemon=True)
        self.namespace = namespace
        self.exclude = exclude  # a source dropped in the kernel (a flood)
        self.packets = []  # (time, source, vrid, priority)
        self.lock = threading.Lock()
        self.ready = threading.Event()
        self.stopping = False

    def run(self):
        enter_namespace(self.namespace)
        sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))  # ETH_P_ALL
        # Classic BPF: keep IPv4 protocol 112 and IPv6 next header 112 only, so a flood of other
        # traffic is filtered in the kernel (and an excluded IPv4 source with it).
        excluded = struct.unpack("!I", socket.inet_aton(self.exclude or "0.0.0.0"))[0]
        program = [(0x28, 0, 0, 12), (0x15, 0, 4, 0x0800), (0x20, 0, 0, 26), (0x15, 6, 0, excluded),
                   (0x30, 0, 0, 23), (0x15, 3, 4, 112), (0x15, 0, 3, 0x86DD), (0x30, 0, 0, 20),
                   (0x15, 0, 1, 112), (0x06, 0, 0, 0xFFFF), (0x06, 0, 0, 0)]
        code = b"".join(struct.pack("HBBI", *instruction) for instruction in program)
        buffer = ctypes.create_string_buffer(code)
        fprog = struct.pack("HL", len(program), ctypes.addressof(buffer))
        sock.setsockopt(socket.SOL_SOCKET, 26, fprog)  # SO_ATTACH_FILTER
        sock.setsockopt(socket.SOL_SOCKET, 35, 1)  # SO_TIMESTAMPNS
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        sock.bind(("eth0", 0))
        sock.settimeout(0.2)
        self.ready.set()
        offset = time.clock_gettime(time.CLOCK_REALTIME) - now()
        while not self.stopping:
            try:
                data, ancillary, _, _ = sock.recvmsg(2048, 64)
            except socket.timeout:
                continue
            stamp = None
            for level, kind, value in ancillary:
                if level == socket.SOL_SOCKET and kind == 35:
                    seconds, nanoseconds = struct.unpack("qq", value[:16])
                    stamp = seconds + nanoseconds / 1e9 - offset
            if stamp is None:
                stamp = now()
            if len(data) < 14 + 20 + 8:
                continue
            if data[14] >> 4 == 6:
                source = socket.inet_ntop(socket.AF_INET6, data[14 + 8:14 + 24])
                vrrp = data[14 + 40:]
            else:
                header = (data[14] & 0x0F) * 4
                source = socket.inet_ntoa(data[14 + 12:14 + 16])
                vrrp = data[14 + header:]
            if len(vrrp) < 8:
                continue
            with self.lock:
                self.packets.append((stamp, source, vrrp[1], vrrp[2]))
        sock.close()

    def since(self, start, end=None, source=None, vrid=None):
        with self.lock:
            return [p for p in self.packets if p[0] >= start and (end is None or p[0] <= end)
                    and (source is None or p[1] == source) and (vrid is None or p[2] == vrid)]

    def gaps(self, start, end, source, vrid=None):
        """Intervals between consecutive adverts of one sender (per VRID), in seconds."""
        by_vrid = {}
        for stamp, _, router, _ in self.since(start, end, source, vrid):
            by_vrid.setdefault(router, []).append(stamp)
        result = []
        for stamps in by_vrid.values():
            result += [b - a for a, b in zip(stamps, stamps[1:])]
        return result


PROBE = r"""
import socket, sys, time
vip, period, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
request = b"GET / HTTP/1.0\r\nHost: harbor\r\n\r\n"
with open(out, "w", buffering=1) as log:
    while True:
        start = time.monotonic()
        answer = "-"
        try:
            with socket.create_connection((vip, 80), timeout=0.1) as s:
                s.settimeout(0.1)
                s.sendall(request)
                data = b""
                while True:
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                if b" 200 " in data.split(b"\r\n", 1)[0]:
                    answer = data.rsplit(b"node ", 1)[-1].strip().decode() or "?"
        except OSError:
            pass
        log.write(f"{start:.6f} {answer}\n")
        time.sleep(max(0.0, period - (time.monotonic() - start)))
"""


class Node:
    def __init__(self, lab, name, address):
        self.lab = lab
        self.name = name
        self.address = address
        self.namespace = f"{lab.prefix}-{name}"
        self.directory = os.path.join(lab.work, name)
        self.nginx = None
        self.agent = None
        self.agent_kind = None
        self.address6 = None
        self.link_local = None

    @property
    def advert_source(self):
        """Where this node's adverts come from: its IPv4 address, or (RFC 5798 §5.1.2.1) the
        link-local address of its eth0 (read when the lab was made: a link that is down has none)."""
        return self.link_local if FAMILY == "ipv6" else self.address


class Lab:
    """A bridge, N Harbor nodes (nginx serving /api/v2.0/ping and /health), one client."""

    def __init__(self, nodes=2, client=True, vipkeeper=None, exclude=None, prefix=None):
        if os.geteuid() != 0:
            sys.exit("the benchmarks need root (network namespaces)")
        for tool in ("ip", "nginx", "nft", KEEPALIVED):
            if shutil.which(tool) is None:
                sys.exit(f"{tool} is not installed (scripts/install-deps.sh installs it)")
        self.prefix = prefix or f"vkb{os.getpid() % 100000}"
        self.work = tempfile.mkdtemp(prefix="vkbench.")
        os.chmod(self.work, 0o755)
        self.vipkeeper = vipkeeper or build_vipkeeper()
        self.namespaces = []
        self.processes = []
        atexit.register(self.close)
        self.switch = f"{self.prefix}-sw"
        self._namespace(self.switch)
        sh(f"ip -n {self.switch} link add br0 type bridge && ip -n {self.switch} link set br0 up")
        self.nodes = [self._host(chr(ord("a") + i), f"{SUBNET}.{11 + i}") for i in range(nodes)]
        self.client = self._host("c", CLIENT) if client else None
        for node in self.nodes:
            self._start_nginx(node)
        self.watches = {}
        for node in self.nodes:
            watch = AddressWatch(node.namespace)
            watch.start()
            watch.ready.wait(5)
            self.watches[node.name] = watch
        self.capture = None
        if self.client:
            self.capture = AdvertCapture(self.client.namespace, exclude=exclude)
            self.capture.start()
            self.capture.ready.wait(5)
        self.probe_log = None

    # -- network -------------------------------------------------------------------------
    def _namespace(self, name):
        sh(f"ip netns del {name}", check=False)
        sh(f"ip netns add {name}")
        self.namespaces.append(name)
        sh(f"ip -n {name} link set lo up")
        # No duplicate address detection: link-local sources and IPv6 addresses are usable at once.
        sh(f"ip netns exec {name} sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0")

    def _host(self, name, address):
        node = Node(self, name, address)
        os.makedirs(node.directory)
        os.chmod(node.directory, 0o755)
        self._namespace(node.namespace)
        sh(f"ip link add eth0 netns {node.namespace} type veth peer name p{name} netns {self.switch}")
        sh(f"ip -n {self.switch} link set p{name} master br0 && ip -n {self.switch} link set p{name} up")
        node.address6 = SUBNET6 + ":" + address.rsplit(".", 1)[1]
        sh(f"ip -n {node.namespace} addr add {address}/24 dev eth0 && ip -n {node.namespace} link set eth0 up")
        sh(f"ip -n {node.namespace} addr add {node.address6}/64 dev eth0 nodad")
        deadline = now() + 5
        while node.link_local is None and now() < deadline:
            out = sh(f"ip -n {node.namespace} -6 -o addr show dev eth0 scope link")
            node.link_local = out.split("inet6 ")[1].split("/")[0] if "inet6 " in out else None
            time.sleep(0 if node.link_local else 0.02)
        if node.link_local is None:
            raise RuntimeError(f"{node.namespace}: eth0 has no IPv6 link-local address")
        return node

    def add_peer(self, name, address):
        """One more host on the bridge, for a flood source or a scripted peer."""
        return self._host(name, address)

    def spawn(self, namespace, argv, log):
        process = subprocess.Popen(["ip", "netns", "exec", namespace] + argv, stdout=open(log, "a"),
                                   stderr=subprocess.STDOUT, start_new_session=True)
        self.processes.append(process)
        return process

    # -- Harbor stand-in ----------------------------------------------------------------
    def _start_nginx(self, node):
        directory = node.directory
        with open(os.path.join(directory, "health.json"), "w") as f:
            json.dump({"status": "healthy", "components": [{"name": n, "status": "healthy"} for n in
                      ("core", "portal", "registry", "registryctl", "jobservice", "database", "redis")]}, f)
        with open(os.path.join(directory, "nginx.conf"), "w") as f:
            f.write(f"""daemon off;
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/nginx.error.log;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {directory}; proxy_temp_path {directory}; fastcgi_temp_path {directory};
    uwsgi_temp_path {directory}; scgi_temp_path {directory};
    server {{
        listen 80 reuseport;
        listen [::]:80 reuseport;
        location = /api/v2.0/ping {{ default_type text/plain; return 200 "Pong"; }}
        location = /api/v2.0/health {{ default_type application/json; alias {directory}/health.json; }}
        location / {{ default_type text/plain; return 200 "Harbor on node {node.name}\\n"; }}
    }}
}}
""")
        node.nginx = self.spawn(node.namespace, ["nginx", "-c", f"{directory}/nginx.conf", "-p", directory],
                                f"{directory}/nginx.log")
        deadline = now() + 5
        while now() < deadline:
            if sh(f"ip netns exec {node.namespace} curl -s -m 1 http://127.0.0.1/api/v2.0/ping", check=False) == "Pong":
                return
            time.sleep(0.05)
        raise RuntimeError(f"nginx on node {node.name} did not answer")

    def stop_nginx(self, node):
        stop(node.nginx)
        node.nginx = None

    def start_nginx(self, node):
        self._start_nginx(node)

    # -- agents -------------------------------------------------------------------------
    def start_agent(self, node, kind, config_text, metrics=True):
        """Starts keepalived (VRRP only) or vipkeeper on one node with the same keepalived.conf."""
        config = os.path.join(node.directory, f"{kind}.conf")
        with open(config, "w") as f:
            f.write(config_text)
        log = os.path.join(node.directory, f"{kind}.log")
        if kind == "keepalived":
            argv = [KEEPALIVED, "--vrrp", "-n", "-l", "-D", "-f", config,
                    "-p", f"{node.directory}/keepalived.pid", "-r", f"{node.directory}/vrrp.pid"]
        else:
            argv = [self.vipkeeper, "run", "-f", config, "--socket", f"{node.directory}/vipkeeper.sock",
                    "--state-directory", f"{node.directory}/state"] + (["--metrics", "127.0.0.1:9650"] if metrics else [])
        node.agent = self.spawn(node.namespace, argv, log)
        node.agent_kind = kind
        return node.agent

    def agent_pids(self, node):
        """The agent's processes: the started one and its descendants (keepalived's VRRP child;
        running check scripts)."""
        if node.agent is None:
            return []
        return descendants(node.agent.pid)

    def stop_agent(self, node, sig=signal.SIGTERM, wait=True):
        if node.agent is None:
            return
        if sig == signal.SIGKILL:
            # A crash: every process of the agent at once. Killed one by one, keepalived's VRRP
            # child would get its parent-death SIGTERM first and resign with a priority-0 advert.
            os.killpg(node.agent.pid, signal.SIGKILL)
        else:
            for pid in self.agent_pids(node):
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
        if wait:
            try:
                node.agent.wait(10)
            except subprocess.TimeoutExpired:
                for pid in self.agent_pids(node):
                    os.kill(pid, signal.SIGKILL)
                node.agent.wait(5)
        node.agent = None

    def addresses(self, node):
        out = sh(f"ip -n {node.namespace} -o addr show dev eth0")
        return {word.split("/")[0] for line in out.splitlines() for i, word in enumerate(line.split())
                if i > 0 and line.split()[i - 1] in ("inet", "inet6") and not word.startswith("fe80:")}

    def holders(self, address=None):
        address = address or VIP
        return [node for node in self.nodes if address in self.addresses(node)]

    def clear_addresses(self):
        """Removes whatever a killed agent left behind, so each run starts clean."""
        for node in self.nodes:
            for address in self.addresses(node) - {node.address, node.address6}:
                for prefix in ((64, 128) if ":" in address else (32, 24)):
                    sh(f"ip -n {node.namespace} addr del {address}/{prefix} dev eth0", check=False)

    def wait_holder(self, node, start, timeout, address=None):
        """Time from `start` until `address` (the VIP) was added on `node` (None on timeout)."""
        address = address or VIP
        deadline = now() + timeout
        while now() < deadline:
            events = [e for e in self.watches[node.name].since(start, address) if e[1] == "add"]
            if events:
                return events[0][0] - start
            time.sleep(0.01)
        return None

    def wait_sole_holder(self, node, timeout, address=None):
        address = address or VIP
        deadline = now() + timeout
        while now() < deadline:
            if [n.name for n in self.holders(address)] == [node.name]:
                return True
            time.sleep(0.05)
        return False

    def address_events(self, start, address=None):
        address = address or VIP
        return sorted((e[0], name, e[1]) for name, w in self.watches.items() for e in w.since(start, address))

    # -- client -------------------------------------------------------------------------
    def start_probe(self, period=0.015):
        path = os.path.join(self.work, "probe.py")
        with open(path, "w") as f:
            f.write(PROBE)
        self.probe_log = os.path.join(self.work, "probe.log")
        self.spawn(self.client.namespace, [sys.executable, path, VIP, str(period), self.probe_log],
                   os.path.join(self.work, "probe.err"))

    def probes(self, start, end=None):
        result = []
        with open(self.probe_log) as f:
            for line in f:
                parts = line.split()
                if len(parts) != 2:
                    continue
                stamp = float(parts[0])
                if stamp >= start and (end is None or stamp <= end):
                    result.append((stamp, None if parts[1] == "-" else parts[1]))
        return result

    def outage(self, start, end, expect=None):
        """Client-visible outage in [start, end]: the longest stretch without a successful
        answer (from `expect` once it has answered). None if the client never got an answer
        after `start` (the outage lasted past `end`)."""
        samples = self.probes(start - 0.5, end)
        last_ok = None
        worst = 0.0
        reached = False
        for stamp, answer in samples:
            if answer is not None:
                if last_ok is not None and stamp >= start:
                    worst = max(worst, stamp - max(last_ok, start))
                last_ok = stamp
                if stamp >= start and (expect is None or answer == expect):
                    reached = True
        if not reached:
            return None
        return worst

    def close(self):
        for watch in self.watches.values() if hasattr(self, "watches") else []:
            watch.stopping = True
        if getattr(self, "capture", None):
            self.capture.stopping = True
        for process in reversed(self.processes):
            for pid in descendants(process.pid):
                try:
                    os.kill(pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = now() + 5
        for process in self.processes:
            try:
                process.wait(max(0.1, deadline - now()))
            except subprocess.TimeoutExpired:
                for pid in descendants(process.pid):
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
        for namespace in self.namespaces:
            for pid in sh(f"ip netns pids {namespace}", check=False).split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (ProcessLookupError, ValueError):
                    pass
            sh(f"ip netns del {namespace}", check=False)
        self.namespaces = []
        self.processes = []
        shutil.rmtree(self.work, ignore_errors=True)


def stop(process, timeout=5):
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout)


def descendants(pid):
    """pid and all its descendants, from /proc (children first is not needed: signals go to all)."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry))
            except (OSError, IndexError):
                pass
    result, todo = [], [pid]
    while todo:
        current = todo.pop()
        if os.path.exists(f"/proc/{current}"):
            result.append(current)
        todo += children.get(current, [])
    # `ip netns exec` execs the agent, so pid is the agent itself.
    return result


def build_vipkeeper():
    """The release binary as scripts/package.sh builds it (VIPKEEPER_BIN overrides)."""
    override = os.environ.get("VIPKEEPER_BIN")
    if override:
        return override
    # The flags of scripts/package.sh: what is measured is what ships (static Swift runtime, stripped).
    subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "-Xlinker", "-s",
                    "--product", "vipkeeper"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    path = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.strip()
    return os.path.join(path, "vipkeeper")


# -- process accounting ---------------------------------------------------------------------
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids):
    """utime+stime of the processes plus what they reaped from their children (check scripts)."""
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += sum(int(fields[i]) for i in (11, 12, 13, 14)) / CLOCK_TICKS
        except OSError:
            pass
    return total


def memory(pids):
    """RSS, PSS and anonymous PSS (private memory: heap, stacks, relocated data) in KiB over the
    processes (smaps_rollup)."""
    rss = pss = anon = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
                    elif line.startswith("Pss_Anon:"):
                        anon += int(line.split()[1])
        except OSError:
            pass
    return rss, pss, anon


def context_switches(pids):
    """Voluntary + involuntary context switches of every thread: each is one wake-up or preemption."""
    total = 0
    for pid in pids:
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/status") as f:
                    for line in f:
                        if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                            total += int(line.split()[1])
        except OSError:
            pass
    return total


def open_descriptors(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


# -- configuration --------------------------------------------------------------------------
def keepalived_conf(node_index, priority, instances=1, vips_per_instance=1, check=None, interval=1,
                    state="BACKUP", extra_global=""):
    """One keepalived.conf that both agents read. `check`: None, "script" (curl, as Harbor
    operators write it) or "http" (vipkeeper's native check; keepalived has none)."""
    lines = ["global_defs {", f"    router_id node-{node_index}", "    enable_script_security",
             "    script_user root"] + (["    vrrp_version 3"] if VERSION == 3 else []) + [extra_global, "}"]
    if check == "script":
        lines += ["vrrp_script chk_harbor {",
                  '    script "/usr/bin/curl -fsS -m 1 -o /dev/null http://127.0.0.1/api/v2.0/ping"',
                  f"    interval {interval}", "    timeout 1", "    weight -30", "    fall 1", "    rise 1", "}"]
    elif check == "http":
        lines += ["vrrp_http_check chk_harbor {", "    url http://127.0.0.1/api/v2.0/ping", "    expect_body Pong",
                  f"    interval {interval}", "    timeout 1", "    weight -30", "    fall 1", "    rise 1", "}"]
    for index in range(instances):
        vrid = 51 + index if instances == 1 else 1 + index
        lines += [f"vrrp_instance VI_{vrid} {{", f"    state {state}", "    interface eth0",
                  f"    virtual_router_id {vrid}", f"    priority {priority}", f"    advert_int {interval_text(ADVERT_INT)}",
                  "    virtual_ipaddress {"]
        if instances == 1 and vips_per_instance == 1:
            lines.append(f"        {VIP}/64" if FAMILY == "ipv6" else f"        {VIP}/24")
        elif instances == 1:
            lines += [f"        {address}" for address in instance_vips(1, vips_per_instance)]
        else:
            lines.append(f"        {instance_vips(instances)[index]}")
        lines.append("    }")
        if check:
            lines += ["    track_script {", "        chk_harbor", "    }"]
        lines.append("}")
    return "\n".join(lines) + "\n"


def instance_vips(instances, vips_per_instance=1):
    if instances == 1 and vips_per_instance == 1:
        return [VIP]
    count = vips_per_instance if instances == 1 else instances
    if FAMILY == "ipv6":
        return [f"fd00:250:31::{k + 1:x}" for k in range(count)]
    return [f"10.250.{31 + k // 200}.{k % 200 + 1}" for k in range(count)]


def write_results(name, data, markdown):
    directory = os.path.join(ROOT, "bench", "results")
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, f"{name}.json"), "w") as f:
        json.dump(data, f, indent=2, sort_keys=True)
    with open(os.path.join(directory, f"{name}.md"), "w") as f:
        f.write(markdown)
    print(markdown)
    print(f"written: bench/results/{name}.json and bench/results/{name}.md")


def machine():
    model = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    keepalived = sh(f"{KEEPALIVED} --version 2>&1 | head -1", check=False).strip()
    return {"cpu": model, "cores": os.cpu_count(), "kernel": os.uname().release, "keepalived": keepalived,
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


def machine_line(m):
    """The machine a result was measured on, as one sentence."""
    return f"Machine: {m['cpu']}, {m['cores']} cores, kernel {m['kernel']}, {m['keepalived']}; {m['date']}."


def fmt(value, digits=3):
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b
