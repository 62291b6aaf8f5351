#!/usr/bin/env bash
# The unit under a real systemd (shared/spec/systemd-test.md): a Debian 12 root made with
# debootstrap (cached outside the clone, copied fresh each run), the package installed into
# it, systemd booted as PID 1 of a new PID namespace inside a test network namespace, a peer
# vipkeeper in a second namespace. Checks READY=1, reload, the watchdog, stop, the sandbox
# with ordinary check and notify scripts, and prints `systemd-analyze security`. Root.
# Prints one line per check and `N passed, N failed`; exits 1 on any failure.
#
# usage: scripts/test-systemd.sh dist/vipkeeper_VERSION_amd64.deb
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
deb=$(realpath "$1")
cache=/var/tmp/vipkeeper-systemd-root-bookworm
work=$(mktemp -d /var/tmp/vk-systemd.XXXXXX)
node=vksd$$
peer=vksp$$
switch=vksw$$
client=vksc$$
server_pids=
systemd_pid=
unshare_pid=
peer_pid=
tls_pid=
cleanup() {
    set +e
    [ -n "$tls_pid" ] && kill "$tls_pid" 2>/dev/null
    if [ -n "$systemd_pid" ] && kill -0 "$systemd_pid" 2>/dev/null; then
        nsenter -t "$systemd_pid" -m -p -r -w systemctl poweroff >/dev/null 2>&1
        for _ in $(seq 1 50); do kill -0 "$unshare_pid" 2>/dev/null || break; sleep 0.1; done
    fi
    [ -n "$unshare_pid" ] && kill -9 "$unshare_pid" 2>/dev/null    # ends every process of its PID namespace
    [ -n "$peer_pid" ] && kill -9 "$peer_pid" 2>/dev/null
    for pid in $server_pids; do kill -9 "$pid" 2>/dev/null; done
    for ns in "$node" "$peer" "$switch" "$client"; do ip netns del "$ns" 2>/dev/null; done
    umount -R "$work/root" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
. scripts/check.sh   # check NAME COMMAND...
within() {  # SECONDS COMMAND...: true as soon as COMMAND is
    local limit=$1; shift
    for _ in $(seq 1 $((limit * 10))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
    "$@"
}

# A Debian 12 root with systemd, the package's dependencies and what the scripts use.
if [ ! -x "$cache/lib/systemd/systemd" ] || [ ! -e "$cache/usr/lib/x86_64-linux-gnu/libcurl.so.4" ] \
    || [ ! -x "$cache/usr/sbin/update-ca-certificates" ]; then
    command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
    rm -rf "$cache.new"
    debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,libnl-3-200,libnl-route-3-200,libcurl4,procps,iproute2,curl,ca-certificates \
        bookworm "$cache.new" >/dev/null || { echo "systemd: 0 passed, 1 failed (debootstrap)"; exit 1; }
    rm -rf "$cache" && mv "$cache.new" "$cache"
fi
root="$work/root"
setup systemd "copy the cached Debian 12 root" cp -a "$cache" "$root"
setup systemd "copy the package into the root" cp "$deb" "$root/var/tmp/vipkeeper.deb"   # /tmp is a fresh tmpfs once booted
check "apt-get install ./vipkeeper.deb into a Debian 12 root" chroot "$root" sh -c "cd /var/tmp && apt-get install -y -qq ./vipkeeper.deb"
check "installing enables the service (and starts nothing)" test -L "$root/etc/systemd/system/multi-user.target.wants/vipkeeper.service"
# The README's path: the operator runs `systemctl enable --now` once the file is edited.
setup systemd "systemctl disable vipkeeper (the README's starting point)" chroot "$root" systemctl disable -q vipkeeper.service

# A site CA the operator adds to the node's store the Debian way (update-ca-certificates), and
# a server certificate it signed for 127.0.0.1: the https check below names no ca_file, so it
# passes only if vipkeeper's TLS is the system's OpenSSL reading the system's store.
setup systemd "a test CA and a server certificate it signed" sh -c "
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=vipkeeper test CA' \
        -keyout '$work/ca-key.pem' -out '$work/ca.pem' 2>/dev/null &&
    openssl req -newkey rsa:2048 -nodes -subj '/CN=harbor.test' -keyout '$work/server-key.pem' -out '$work/server.csr' 2>/dev/null &&
    printf 'subjectAltName=IP:127.0.0.1\n' > '$work/san.ext' &&
    openssl x509 -req -in '$work/server.csr' -CA '$work/ca.pem' -CAkey '$work/ca-key.pem' -CAcreateserial -days 2 \
        -extfile '$work/san.ext' -out '$work/server.pem' 2>/dev/null"
setup systemd "update-ca-certificates takes the test CA into the root's store" sh -c "
    install -D -m 0644 '$work/ca.pem' '$root/usr/local/share/ca-certificates/vipkeeper-test-ca.crt' &&
    chroot '$root' update-ca-certificates >/dev/null &&
    grep -qF \"\$(sed -n 2p '$work/ca.pem')\" '$root/etc/ssl/certs/ca-certificates.crt'"

# The node's configuration: a curl check against a port nothing listens on (weight -1), an
# https check against a server whose CA only the system store trusts (weight -1), and
# a notify script that writes under /run and asks systemd about a unit; real-time scheduling
# and memory locking (vrrp_rt_priority, vrrp_no_swap), which the unit must allow.
# control_group: the socket belongs to vkops, and vkop (a member, not root) may use it.
chroot "$root" groupadd -r vkops && chroot "$root" useradd -r -M -G vkops vkop
cat > "$root/etc/vipkeeper/vipkeeper.conf" <<'CONF'
global_defs {
    control_group vkops
    vrrp_rt_priority 20
    vrrp_no_swap
}
vrrp_script harbor {
    script "curl -sf -o /dev/null --max-time 1 http://127.0.0.1:1/api/v2.0/ping"
    interval 1
    weight -1
}
vrrp_http_check harbor_tls {
    url https://127.0.0.1:8443/
    interval 1
    timeout 2
    weight -1
}
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 51
    priority 150
    advert_int 1
    virtual_ipaddress {
        10.250.50.100/24
    }
    track_script {
        harbor
        harbor_tls
    }
    notify "/bin/sh -c 'echo $1 $2 >> /run/harbor-vip.state; systemctl is-active dbus >> /run/harbor-vip.state'"
}
CONF

setup systemd "the node, peer and client namespaces on a bridge" sh -c "
    ip netns add '$node' && ip netns add '$peer' && ip netns add '$switch' && ip netns add '$client' &&
    ip -n '$switch' link add br0 type bridge && ip -n '$switch' link set br0 up &&
    for pair in '$node:pn:10' '$peer:pp:11' '$client:pc:200'; do
        ns=\${pair%%:*}; rest=\${pair#*:}; port=\${rest%%:*}; host=\${rest#*:}
        ip link add eth0 netns \$ns type veth peer name \$port netns '$switch' &&
        ip -n '$switch' link set \$port master br0 && ip -n '$switch' link set \$port up &&
        ip -n \$ns addr add 10.250.50.\$host/24 dev eth0 && ip -n \$ns link set eth0 up && ip -n \$ns link set lo up || exit 1
    done"
# Whether a namespace holds the VIP: 0 yes, 1 no, 2 `ip` failed (the namespace is gone), so
# "does not hold" is `lacks`, never `! holds`, which a failed `ip` would pass.
holds() {
    local out
    out=$(ip -n "$1" -4 -o addr show dev eth0 2>&1) || { echo "ip -n $1 failed: $out"; return 2; }
    grep -q ' 10.250.50.100/' <<<"$out"
}
lacks() {
    local status=0
    holds "$1" || status=$?
    [ "$status" -eq 1 ]
}

# systemd as PID 1 of a new PID namespace, over the root, inside the node's namespace.
cat > "$work/boot.sh" <<'BOOT'
#!/bin/sh
set -e
root=$1
mount --make-rprivate /
mount --bind "$root" "$root"
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount -t tmpfs tmpfs "$root/sys/fs/cgroup"
mount -t cgroup2 cgroup2 "$root/sys/fs/cgroup"
mount -t tmpfs tmpfs "$root/run"
mount -t tmpfs tmpfs "$root/tmp"
mount --rbind /dev "$root/dev"
exec chroot "$root" /lib/systemd/systemd
BOOT
chmod +x "$work/boot.sh"
# Boots the root: systemd as PID 1 of new PID, mount, UTS and IPC namespaces in the node's
# network namespace (a reboot runs it again).
boot() {
    ip netns exec "$node" unshare --mount --pid --fork --uts --ipc "$work/boot.sh" "$root" >>"$work/boot.log" 2>&1 &
    unshare_pid=$!
    within 10 sh -c "ps -o pid= --ppid $unshare_pid | grep -q ."
    systemd_pid=$(ps -o pid= --ppid "$unshare_pid" | tr -d ' ')
}
boot
in_systemd() { nsenter -t "$systemd_pid" -m -p -r -w "$@"; }
# PID 1 of the namespace is systemd, and it answers on its bus.
booted() { [ "$(in_systemd cat /proc/1/comm)" = systemd ] && in_systemd systemctl show -p Version --value | grep -q .; }
check "systemd boots as PID 1 of a PID namespace" within 30 booted
echo "     (systemctl is-system-running: $(in_systemd systemctl is-system-running 2>&1))"

waits_disabled() {
    local enabled active
    enabled=$(in_systemd systemctl is-enabled vipkeeper.service 2>&1)
    active=$(in_systemd systemctl is-active vipkeeper.service 2>&1)
    echo "is-enabled: $enabled; is-active: $active"
    [ "$enabled" = disabled ] && [ "$active" = inactive ]
}
# A fresh install is inert: the shipped file is all comments, so a start is skipped by the
# unit's ExecCondition (inactive, result exec-condition), not failed, and nothing advertises.
inert_fresh_install() {
    local active started
    in_systemd sh -c 'cp /etc/vipkeeper/vipkeeper.conf /var/tmp/test.conf && dpkg-deb --fsys-tarfile /var/tmp/vipkeeper.deb | tar -xO ./etc/vipkeeper/vipkeeper.conf > /etc/vipkeeper/vipkeeper.conf' \
        || { echo "cannot put the shipped configuration back"; return 1; }
    in_systemd systemctl start vipkeeper.service
    active=$(in_systemd systemctl is-active vipkeeper.service 2>&1)
    # The main process never started: ExecCondition said skip (a failed ExecStartPre would
    # leave the unit `failed`).
    started=$(in_systemd systemctl show -p ExecMainStartTimestampMonotonic --value vipkeeper.service 2>&1)
    in_systemd mv /var/tmp/test.conf /etc/vipkeeper/vipkeeper.conf || { echo "cannot restore the test configuration"; return 1; }
    echo "is-active: $active; main process started at: $started"
    in_systemd journalctl -q -u vipkeeper.service --no-pager -n 3 2>&1
    [ "$active" = inactive ] && [ "$started" = 0 ] && lacks "$node"
}
check "the shipped configuration starts nothing: the start is skipped (ExecCondition), no VIP" inert_fresh_install
check "the service waits, disabled and inactive, until it is enabled" waits_disabled
check "systemctl enable --now vipkeeper" in_systemd systemctl enable --now -q vipkeeper.service
check "vipkeeper.service reaches active (running) through READY=1" \
    within 10 sh -c "[ \"\$(nsenter -t $systemd_pid -m -p -r -w systemctl show -p ActiveState,SubState --value vipkeeper.service | tr '\n' ' ')\" = 'active running ' ]"
check "the unit's status line is the daemon's STATUS=" \
    within 10 sh -c "nsenter -t $systemd_pid -m -p -r -w systemctl show -p StatusText --value vipkeeper.service | grep -q 'VI_1 '"
check "under the hardening it takes the VIP (raw socket, netlink)" within 8 holds "$node"
# systemd applies OOMScoreAdjust= only where lowering the score is allowed (CAP_SYS_RESOURCE;
# some CI sandboxes drop it, and systemd then ignores the setting, as for a container).
oom_protected() {
    local pid score property
    property=$(in_systemd systemctl show -p OOMScoreAdjust --value vipkeeper.service)
    [ "$property" = -500 ] || { echo "the unit's OOMScoreAdjust is '$property'"; return 1; }
    pid=$(in_systemd systemctl show -p MainPID --value vipkeeper.service)
    score=$(in_systemd cat "/proc/$pid/oom_score_adj" 2>&1)
    if sh -c 'echo -1 > /proc/self/oom_score_adj' 2>/dev/null; then
        echo "MainPID $pid oom_score_adj: $score"
        [ "$score" = -500 ]
    else
        echo "measured: this machine cannot lower an OOM score (no CAP_SYS_RESOURCE): the unit asks for -500, the daemon runs at $score"
    fi
}
check "the daemon runs with OOMScoreAdjust=-500 (where the machine allows it)" oom_protected
check "the unit documents man:vipkeeper(8)" sh -c "nsenter -t $systemd_pid -m -p -r -w systemctl show -p Documentation --value vipkeeper.service | grep -q 'man:vipkeeper(8)'"

# The daemon's pid on the host: the process of systemd's PID namespace whose NSpid is MainPID.
host_pid_of_main() {
    local main pid
    main=$(in_systemd systemctl show -p MainPID --value vipkeeper.service)
    for pid in $(ps -eo pid=); do
        if [ "$(readlink /proc/$pid/ns/pid 2>/dev/null)" = "$(readlink /proc/$systemd_pid/ns/pid)" ] \
            && grep -qE "^NSpid:.*[[:space:]]$main\$" /proc/$pid/status 2>/dev/null; then echo "$pid"; return 0; fi
    done
    return 1
}
# vrrp_rt_priority 20 and vrrp_no_swap under the unit's sandbox: the kernel's view of the daemon.
realtime_under_unit() {
    local pid sched locked
    pid=$(host_pid_of_main) || { echo "no daemon pid"; return 1; }
    sched=$(chrt -p "$pid" 2>&1)
    locked=$(awk '/^VmLck:/ { print $2 }' "/proc/$pid/status")
    echo "$sched"; echo "VmLck: ${locked:-?} kB"
    grep -q "policy: SCHED_RR" <<<"$sched" && grep -q "priority: 20\$" <<<"$sched" && [ "${locked:-0}" -gt 0 ]
}
check "vrrp_rt_priority 20 + vrrp_no_swap under the unit: SCHED_RR 20 and VmLck > 0" realtime_under_unit

# The peer, started once the node is Master: the same binary, priority 100.
dpkg-deb -x "$deb" "$work/peer"
sed 's/priority 150/priority 100/; /global_defs/,/^}/d; /track_script/,/}/d; /vrrp_script/,/^}/d; /notify/d' "$root/etc/vipkeeper/vipkeeper.conf" > "$work/peer.conf"
peer_vipkeeper() { "$work/peer/usr/sbin/vipkeeper" "$@"; }
# A number from the peer's `status --json` (empty when the call fails).
peer_counter() { peer_vipkeeper status --json --socket "$work/peer.sock" | sed -n "s/.*\"$1\" : \([0-9]*\).*/\1/p" | head -n 1; }
ip netns exec "$peer" "$work/peer/usr/sbin/vipkeeper" run -f "$work/peer.conf" --socket "$work/peer.sock" \
    --state-directory "$work/peer-state" >"$work/peer.log" 2>&1 &
peer_pid=$!
disown "$peer_pid"

# Past the peer's Master_Down_Interval (3 + 156/256 = 3.6 s): a peer that heard nothing would
# be Master by now. And it counts the adverts it heard.
sleep 5
peer_stayed_backup() {
    local received
    cat "$work/peer.log"
    received=$(peer_counter advertisementsReceived)
    echo "advertisementsReceived: ${received:-none (status failed)}"
    lacks "$peer" && grep -q 'INIT -> BACKUP' "$work/peer.log" && ! grep -q 'BACKUP -> MASTER' "$work/peer.log" \
        && [ -n "$received" ] && [ "$received" -ge 2 ]
}
check "the peer heard its adverts and stayed Backup" peer_stayed_backup
check "control_group: the socket is root:vkops 0660 (CAP_CHOWN in the unit)" \
    sh -c "[ \"\$(nsenter -t $systemd_pid -m -p -r -w stat -c '%U:%G %a' /run/vipkeeper/vipkeeper.sock)\" = 'root:vkops 660' ] ||
           { nsenter -t $systemd_pid -m -p -r -w journalctl -u vipkeeper --no-pager | tail -n 30; exit 1; }"
check "a member of vkops (not root) runs vipkeeper status through /run/vipkeeper" \
    in_systemd setpriv --reuid=vkop --regid=vkop --init-groups sh -c 'vipkeeper status --json | grep -q "\"VI_1\""'
status() { in_systemd vipkeeper status --json; }
check "the check script runs curl inside the sandbox (connection refused: exit 7)" \
    within 5 sh -c "nsenter -t $systemd_pid -m -p -r -w vipkeeper status --json | grep -q '\"lastResult\" : \"exited 7\"'"
# The https check through libcurl: the system's OpenSSL trusts the CA added above.
ip netns exec "$node" openssl s_server -accept 8443 -cert "$work/server.pem" -key "$work/server-key.pem" -www -quiet \
    >"$work/tls.log" 2>&1 &
tls_pid=$!
tls_trusted() {
    within 8 sh -c "nsenter -t $systemd_pid -m -p -r -w vipkeeper status --json | tr -d '\n' | grep -qE '\"name\" : \"harbor_tls\"[^}]*\"lastResult\" : \"success\"|\"lastResult\" : \"success\"[^}]*\"name\" : \"harbor_tls\"'" && return 0
    in_systemd vipkeeper status --json | grep -A3 harbor_tls
    in_systemd journalctl -u vipkeeper --no-pager -n 15
    return 1
}
check "the https check trusts a CA added with update-ca-certificates (no ca_file)" tls_trusted
tls_maps() {
    local pid
    pid=$(host_pid_of_main) || { echo "no daemon pid"; return 1; }
    grep -oE '/[^ ]*lib(ssl|crypto)\.so[^ ]*' "/proc/$pid/maps" | sort -u
    grep -qE '/usr/lib/x86_64-linux-gnu/libssl\.so\.3' "/proc/$pid/maps"
}
check "its TLS is the system's libssl (/proc/PID/maps of the daemon names libssl.so.3)" tls_maps
check "the notify script writes under /run and asks systemctl inside the sandbox" \
    within 5 nsenter -t "$systemd_pid" -m -p -r -w sh -c "cat /run/harbor-vip.state; grep -q 'VI_1 MASTER' /run/harbor-vip.state && grep -qx active /run/harbor-vip.state"
transitions_now() { status | sed -n 's/.*"transitions" : \([0-9]*\).*/\1/p' | head -n 1; }
transitions=$(transitions_now)
# Two failed status calls would give two empty strings that compare equal.
check "status --json reports the Master's transitions" test -n "$transitions"
check "systemctl reload succeeds" in_systemd systemctl reload vipkeeper.service
kept_master() {
    local now
    sleep 2
    now=$(transitions_now)
    echo "transitions before the reload: ${transitions:-none}, after: ${now:-none (status failed)}"
    [ -n "$now" ] && [ -n "$transitions" ] && [ "$now" = "$transitions" ] && holds "$node"
}
check "a reload keeps the Master Master (no transition)" kept_master

# The watchdog: a daemon that stops feeding it is killed and restarted by systemd.
main=$(in_systemd systemctl show -p MainPID --value vipkeeper.service)
host_pid=$(host_pid_of_main)
check "found the daemon's pid ($main in the namespace)" test -n "$host_pid"
[ -n "$host_pid" ] && kill -STOP "$host_pid"
restarted() { local now; now=$(in_systemd systemctl show -p MainPID --value vipkeeper.service); [ "$now" != "$main" ] && [ "$now" != 0 ]; }
check "the watchdog restarts a daemon that stops pinging (WatchdogSec=10)" within 25 restarted
check "the journal says why" sh -c "nsenter -t $systemd_pid -m -p -r -w journalctl -u vipkeeper --no-pager | grep -q 'Watchdog timeout'"
# The new MainPID shows before the new daemon has started its instances: wait (bounded) for
# both its removal of the leftover VIP in the journal and the VIP back on the node.
check "the restarted daemon removes the VIP the killed one left, then takes it back" \
    sh -c "for i in \$(seq 1 150); do nsenter -t $systemd_pid -m -p -r -w journalctl -u vipkeeper --no-pager | grep -q 'left behind by an earlier run' && ip -n $node -4 -o addr show dev eth0 | grep -q ' 10.250.50.100/' && exit 0; sleep 0.1; done; exit 1"

# The peer takes over on the Skew_Time path of the priority-0 advert, not on its own
# Master_Down_Interval (3.6 s): the cause is asserted, the peer's count of priority-0 adverts
# heard going up; the time is printed.
stop_hands_over() {
    local before after started
    before=$(peer_counter priorityZeroReceived)
    [ -n "$before" ] || { echo "the peer's status failed"; return 1; }
    started=$(date +%s.%N)
    in_systemd systemctl stop vipkeeper.service || { echo "systemctl stop failed"; return 1; }
    lacks "$node" || { echo "the node still holds the VIP (or ip failed)"; return 1; }
    within 3 holds "$peer" || { echo "the peer did not take the VIP"; return 1; }
    echo "measured: systemctl stop -> the peer holds the VIP: $(awk "BEGIN { printf \"%.2f\", $(date +%s.%N) - $started }") s"
    after=$(peer_counter priorityZeroReceived)
    echo "priorityZeroReceived on the peer: $before -> ${after:-none (status failed)}"
    [ -n "$after" ] && [ "$after" -gt "$before" ]
}
check "systemctl stop releases the VIP (priority-0 advert: the peer takes over)" stop_hands_over
score=$(in_systemd systemd-analyze security vipkeeper.service --no-pager 2>/dev/null | sed -n 's/.*Overall exposure level for vipkeeper.service: \([0-9.]*\).*/\1/p')
echo "measured: systemd-analyze security vipkeeper.service: ${score:-?} (0 is the most, 10 the least protected)"
check "systemd-analyze security scores the unit" test -n "$score"
# Upgrading keeps an edited conffile; removing the package stops the daemon (VIP released).
in_systemd sh -c 'echo "! edited by the operator" >> /etc/vipkeeper/vipkeeper.conf'
check "reinstalling keeps the operator's edit of the conffile" \
    sh -c "nsenter -t $systemd_pid -m -p -r -w sh -c 'DEBIAN_FRONTEND=noninteractive dpkg -i --force-confold /var/tmp/vipkeeper.deb' >/dev/null && grep -q 'edited by the operator' '$root/etc/vipkeeper/vipkeeper.conf'"
upgrade() { in_systemd sh -c 'DEBIAN_FRONTEND=noninteractive dpkg -i --force-confold /var/tmp/vipkeeper.deb' >/dev/null; }
stays_stopped() {
    local active
    active=$(in_systemd systemctl is-active vipkeeper.service 2>&1)
    echo "is-active after the upgrade: $active"
    [ "$active" = inactive ]
}
check "an upgrade does not start a stopped daemon (try-restart)" stays_stopped
in_systemd systemctl start vipkeeper.service
check "after a restart it is Master again" within 10 holds "$node"
main_pid() { in_systemd systemctl show -p MainPID --value vipkeeper.service; }
# An upgrade of the running Master: postinst asks the daemon to restart in place (`vipkeeper
# restart`): the new binary runs in the same process (MainPID unchanged), keeps the VIP and
# advertises at once, so the peer never takes it over. The peer's address events are watched
# through the upgrade; the client probe below counts failed requests.
# The peer's address events, logged to $1 from now on; `peer_never_took_vip` ends the watch.
watch_peer() {
    ip -n "$peer" monitor address > "$1" 2>&1 &
    peer_monitor=$!
    sleep 0.3
}
# Past the peer's Master_Down_Interval (3.6 s), whether the monitor was watching (a marker
# address on the peer shows up in its log) and the VIP never appeared on the peer.
peer_never_took_vip() {
    sleep 4    # a peer that heard no advert took over by now
    ip -n "$peer" addr add 10.250.50.250/32 dev eth0 && ip -n "$peer" addr del 10.250.50.250/32 dev eth0
    sleep 0.3
    kill "$peer_monitor"
    grep -q '10.250.50.250/32' "$1" || { echo "the peer's address monitor saw nothing"; return 1; }
    if grep -q ' 10.250.50.100/' "$1"; then
        echo "the peer took the VIP: $(cat "$1")"; return 1
    fi
    echo "the peer's address events: $(grep -c . "$1") lines, none for the VIP"
}
upgrade_restarts() {
    local before after started
    before=$(main_pid)
    watch_peer "$work/peer-addresses.log"
    started=$(date +%s.%N)
    upgrade || { echo "dpkg -i failed"; kill "$peer_monitor"; return 1; }
    in_systemd journalctl -u vipkeeper --no-pager | grep -q 'restarted in place' || sleep 1
    echo "measured: upgrade (dpkg -i) of the running Master: dpkg returned after $(awk "BEGIN { printf \"%.2f\", $(date +%s.%N) - $started }") s"
    peer_never_took_vip "$work/peer-addresses.log" || {
        echo "the daemon's journal through the upgrade:"; in_systemd journalctl -u vipkeeper -o short-precise --no-pager | tail -n 40; return 1; }
    after=$(main_pid)
    echo "MainPID $before -> $after"
    [ -n "$after" ] && [ "$after" = "$before" ] || {
        echo "the daemon was not restarted in place:"; in_systemd journalctl -u vipkeeper --no-pager | tail -n 40; return 1; }
    in_systemd journalctl -u vipkeeper --no-pager | grep 'restart' | tail -n 4
    in_systemd journalctl -u vipkeeper --no-pager | grep -q 'restarted in place (vipkeeper restart): VI_1 was MASTER' ||
        { echo "the new image did not resume VI_1"; return 1; }
    holds "$node" || { echo "the node does not hold the VIP"; return 1; }
}
# A client GETs a web server on the VIP (one on the node, one on the peer) every 15 ms through the
# upgrade: no request fails.
for ns in "$node" "$peer"; do
    mkdir -p "$work/www-$ns" && echo "$ns" > "$work/www-$ns/index.html"
    ip netns exec "$ns" python3 -m http.server 8080 --bind 0.0.0.0 --directory "$work/www-$ns" >/dev/null 2>&1 &
    server_pids="$server_pids $!"
    disown "$!"    # killed by pid in cleanup, without the shell's job notice
done
check "the client reaches the web server on the VIP" within 5 sh -c "ip netns exec $client curl -sf -m 1 http://10.250.50.100:8080/ | grep -qx $node"
probe() { ip netns exec "$client" python3 Tests/Tools/http-probe.py http://10.250.50.100:8080/ "$1" > "$2" 2>&1 & }
# Whether a probe's report (polled: `check` runs this in a subshell, which cannot `wait` for it)
# counts no failed request among at least 100.
probe_passed() {
    local report
    within "$1" grep -q '"tries"' "$2"
    report=$(cat "$2")
    echo "measured: $3, a client GETting the VIP every 15 ms: $report"
    grep -q '"failures": 0,' <<<"$report" && grep -qE '"tries": [0-9]{3,}' <<<"$report"
}
probe 14 "$work/probe.json"
check "an upgrade restarts the running daemon in place (vipkeeper restart): same MainPID, the VIP never moves" upgrade_restarts
no_failed_request() { probe_passed 20 "$work/probe.json" "upgrade of the running Master"; }
check "no client request failed through the upgrade" no_failed_request
# systemctl restart: the unit's ExecStop (`vipkeeper hand-off --if-restarting %n`) sees the
# restart job; the daemon exits keeping the VIP and the next process (a new MainPID) resumes it
# as Master before the peer's Master_Down_Timer runs out: the peer never takes it, and no
# request fails.
probe 10 "$work/probe-restart.json"
restart_keeps_vip() {
    local before after
    before=$(main_pid)
    watch_peer "$work/peer-addresses-restart.log"
    in_systemd systemctl restart vipkeeper.service || { echo "systemctl restart failed"; kill "$peer_monitor"; return 1; }
    peer_never_took_vip "$work/peer-addresses-restart.log" || {
        echo "the daemon's journal through the restart:"; in_systemd journalctl -u vipkeeper -o short-precise --no-pager | tail -n 40; return 1; }
    after=$(main_pid)
    echo "MainPID $before -> $after"
    [ -n "$after" ] && [ "$after" != 0 ] && [ "$after" != "$before" ] || { echo "systemd did not start a new process"; return 1; }
    # From the old daemon's hand-off to the new one's first state line (ExecStop returning,
    # SIGTERM finding nothing, ExecCondition, ExecStartPre and the start in between).
    in_systemd journalctl -u vipkeeper -o short-unix --no-pager | awk '
        /handing off for a restart/ { asked = $1 }
        asked && /INIT -> MASTER \(took over the Master/ { resumed = $1 }
        END { if (asked && resumed) printf "measured: systemctl restart: the old daemon handed off -> the new one MASTER: %.3f s\n", resumed - asked }'
    in_systemd journalctl -u vipkeeper --no-pager | grep -q "taking over from pid $before, which handed off for a restart: VI_1 was MASTER" ||
        { echo "the new process did not resume VI_1:"; in_systemd journalctl -u vipkeeper --no-pager | tail -n 30; return 1; }
    holds "$node" || { echo "the node does not hold the VIP"; return 1; }
    probe_passed 15 "$work/probe-restart.json" "systemctl restart of the Master"
}
check "systemctl restart of the Master: a new process resumes the VIP (ExecStop hand-off); the peer never takes it, no request fails" restart_keeps_vip
# The transition history under the real unit: kept in the StateDirectory across the restart,
# the hand-off and the resumption with their causes, in order.
history_across_restart() {
    local history
    history=$(in_systemd vipkeeper history --since 1h) || { echo "vipkeeper history failed: $history"; return 1; }
    echo "$history" | tail -n 6
    echo "$history" | awk '
        /daemon handed off/ { handed = NR }
        handed && /daemon resumed because took over the Master of the process that handed off/ { resumed = NR }
        resumed && /\[VI_1\] INIT -> MASTER .* because took over the Master of the process that handed off \(systemctl restart\)/ { master = NR }
        END { exit !(handed && resumed && master) }' || { echo "the history does not show the hand-off, then the resumption"; return 1; }
    in_systemd test -s /var/lib/vipkeeper/history.jsonl || { echo "no /var/lib/vipkeeper/history.jsonl"; return 1; }
}
check "the transition history survives systemctl restart: hand-off, resumption and MASTER with their causes (StateDirectory)" history_across_restart
# systemctl stop then start: the VIP goes to the peer and comes back, make-before-break both
# ways, so no request fails either.
probe 12 "$work/probe-stop-start.json"
stop_start_hands_over() {
    in_systemd systemctl stop vipkeeper.service || { echo "systemctl stop failed"; return 1; }
    holds "$peer" || { echo "the peer does not hold the VIP after the stop"; return 1; }
    in_systemd systemctl start vipkeeper.service || { echo "systemctl start failed"; return 1; }
    within 8 holds "$node" || { echo "the node did not take the VIP back"; return 1; }
    probe_passed 15 "$work/probe-stop-start.json" "systemctl stop and start of the Master"
}
check "systemctl stop and start hand the VIP over and back without a failed request" stop_start_hands_over
# A restart whose next process fails to start (here a drop-in's failing ExecStartPre): the unit's
# ExecStopPost (`hand-off --release-untaken`) removes the VIP the hand-off left, so the node does
# not answer for it alongside the peer that takes it over.
failed_restart_releases() {
    local dropin=/run/systemd/system/vipkeeper.service.d
    in_systemd sh -c "mkdir -p $dropin && printf '[Service]\nExecStartPre=/bin/false\n' > $dropin/fail.conf && systemctl daemon-reload" ||
        { echo "cannot add the failing drop-in"; return 1; }
    local restarted=0
    in_systemd systemctl restart vipkeeper.service 2>/dev/null && restarted=1
    in_systemd sh -c "rm -f $dropin/fail.conf && systemctl daemon-reload"
    [ "$restarted" = 0 ] || { echo "the start did not fail"; return 1; }
    not_holding() { ! holds "$node"; }
    within 3 not_holding || { echo "the node kept the VIP after the failed start"; return 1; }
    within 6 holds "$peer" || { echo "the peer did not take the VIP"; return 1; }
    in_systemd journalctl -u vipkeeper --no-pager | grep -q 'the start after a hand-off failed (exit-code): removed \[VI_1\] 10.250.50.100/' ||
        { echo "ExecStopPost did not say what it removed:"; in_systemd journalctl -u vipkeeper --no-pager | tail -n 20; return 1; }
    in_systemd systemctl stop vipkeeper.service
    in_systemd systemctl reset-failed vipkeeper.service 2>/dev/null
    in_systemd systemctl start vipkeeper.service || { echo "it does not start again"; return 1; }
    within 10 holds "$node" || {
        echo "the node did not take the VIP back; its journal:"; in_systemd journalctl -u vipkeeper -o short-precise --no-pager | tail -n 30; return 1; }
}
check "a restart whose next start fails leaves no VIP behind (ExecStopPost releases what the hand-off left)" failed_restart_releases
stays_disabled() {
    in_systemd systemctl disable -q vipkeeper.service || { echo "disable failed"; return 1; }
    upgrade || { echo "dpkg -i failed"; return 1; }
    local enabled
    enabled=$(in_systemd systemctl is-enabled vipkeeper.service 2>&1)
    echo "is-enabled after the upgrade: $enabled"
    [ "$enabled" = disabled ]
}
check "an upgrade keeps a unit the admin disabled disabled" stays_disabled
# A refused start says why in the journal at priority err (ExecStartPre's `check` writes its
# diagnostics with `<3>`): what `journalctl -p err -u vipkeeper` shows an operator.
refused_start_logged() {
    local errors started=0
    in_systemd systemctl stop vipkeeper.service
    in_systemd cp /etc/vipkeeper/vipkeeper.conf /etc/vipkeeper/vipkeeper.conf.good || { echo "cannot save the configuration"; return 1; }
    in_systemd sh -c 'printf "vrrp_instance VI_1 {\n    priorty 100\n}\n" > /etc/vipkeeper/vipkeeper.conf'
    in_systemd systemctl start vipkeeper.service 2>/dev/null && started=1
    errors=$(in_systemd journalctl -q -p err -u vipkeeper.service --no-pager 2>&1)
    in_systemd mv /etc/vipkeeper/vipkeeper.conf.good /etc/vipkeeper/vipkeeper.conf
    echo "journalctl -p err: $(tail -n 2 <<<"$errors")"
    [ "$started" = 0 ] || { echo "a broken configuration started"; return 1; }
    grep -q 'vipkeeper.conf:2:5: error: .*priorty' <<<"$errors"
}
check "a refused start says why in journalctl -p err" refused_start_logged
in_systemd systemctl start vipkeeper.service
check "with the configuration back it is Master again" within 10 holds "$node"
# /etc/default/vipkeeper (a conffile): DAEMON_ARGS reaches both the check and the daemon.
set_daemon_args() { in_systemd sh -c "sed -i 's|^DAEMON_ARGS=.*|DAEMON_ARGS=\"$1\"|' /etc/default/vipkeeper"; }
daemon_args() {
    set_daemon_args "--metrics 127.0.0.1:9651" || { echo "cannot edit /etc/default/vipkeeper"; return 1; }
    in_systemd systemctl restart vipkeeper.service || { echo "restart failed"; return 1; }
    within 10 sh -c "ip netns exec '$node' curl -sf --max-time 2 http://127.0.0.1:9651/metrics | grep -q '^vipkeeper_build_info'"
}
check "DAEMON_ARGS=\"--metrics 127.0.0.1:9651\" in /etc/default/vipkeeper: the daemon serves /metrics there" daemon_args
bad_daemon_args() {
    local errors started=0
    set_daemon_args "--metrics nonsense" || { echo "cannot edit /etc/default/vipkeeper"; return 1; }
    in_systemd systemctl restart vipkeeper.service 2>/dev/null && started=1
    errors=$(in_systemd journalctl -q -p err -u vipkeeper.service --no-pager 2>&1)
    set_daemon_args ""
    echo "journalctl -p err: $(tail -n 2 <<<"$errors")"
    [ "$started" = 0 ] || { echo "it started with --metrics nonsense"; return 1; }
    grep -q -- '--metrics takes ADDR:PORT' <<<"$errors"
}
check "a bad DAEMON_ARGS is refused by the check before the start, and journalctl -p err says why" bad_daemon_args
# The refused starts and Restart=on-failure's retries reach the start limit: what an operator
# clears with reset-failed once the file is fixed.
in_systemd systemctl reset-failed vipkeeper.service 2>/dev/null
in_systemd systemctl start vipkeeper.service
check "with DAEMON_ARGS back (and reset-failed) it is Master again" within 10 holds "$node"
# A reboot: `systemctl reboot` stops the daemon (its VIP released), PID 1 exits, and the root
# boots again; the enabled unit starts at boot and the node is Master again.
in_systemd systemctl enable -q vipkeeper.service
in_systemd systemctl reboot >/dev/null 2>&1
rebooted=0
for _ in $(seq 1 300); do kill -0 "$unshare_pid" 2>/dev/null || { rebooted=1; break; }; sleep 0.1; done
wait "$unshare_pid" 2>/dev/null
check "systemctl reboot ends the root's systemd within 30 s" test "$rebooted" = 1
check "the VIP is released when the node goes down for a reboot" lacks "$node"
started=$(date +%s.%N)
boot
check "systemd boots again" within 30 booted
back_after_reboot() {
    within 20 holds "$node" || { echo "is-active: $(in_systemd systemctl is-active vipkeeper.service 2>&1)"; return 1; }
    echo "measured: boot -> the enabled unit's daemon holds the VIP after $(awk "BEGIN { printf \"%.2f\", $(date +%s.%N) - $started }") s"
}
check "after the reboot the enabled service starts and the node is Master again" back_after_reboot
removed() {
    in_systemd dpkg -r vipkeeper >/dev/null && lacks "$node" && [ ! -e "$root/usr/sbin/vipkeeper" ]
}
check "removing the package stops the daemon and releases the VIP" removed
finish systemd
