#!/usr/bin/env bash
# The main job: a two-node Harbor lab in network namespaces.
#
#   vklab-a  10.250.10.11  fd00:250:10::11   nginx standing in for Harbor + vipkeeper (examples/harbor-pair/node-a.conf, priority 110)
#   vklab-b  10.250.10.12  fd00:250:10::12   nginx standing in for Harbor + vipkeeper (examples/harbor-pair/node-b.conf, priority 100)
#   vklab-c  10.250.10.200 fd00:250:10::200  a client of the VIPs 10.250.10.100 and fd00:250:10::100
#
# It shows the election, then the VIP moving when node A's vipkeeper stops and when node A's
# Harbor (nginx) fails its health check, and coming back; a failover drill from node A with a
# probe through the VIP; node A in maintenance and back; one scrape of /metrics; then the pair
# moved to VRRPv3 at 0.1 s with an IPv4 and an IPv6 VIP (examples/harbor-pair-v3) and node A
# crashed (SIGKILL) and restarted; then removes everything it made.
# Run as root on Debian 12 with Swift; installs what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scripts/install-deps.sh
swift build --product vipkeeper >/dev/null
bin=$(swift build --show-bin-path)/vipkeeper

work=$(mktemp -d /tmp/vklab.XXXXXX)
chmod 755 "$work"   # nginx workers (www-data) read the health JSON from here
namespaces=(vklab-sw vklab-a vklab-b vklab-c)
declare -A vipkeeper_pid nginx_pid
cleanup() {
    set +e
    for pid in "${vipkeeper_pid[@]}" "${nginx_pid[@]}"; do kill "$pid" 2>/dev/null; done
    sleep 1
    for pid in "${vipkeeper_pid[@]}" "${nginx_pid[@]}"; do kill -9 "$pid" 2>/dev/null; done
    for ns in "${namespaces[@]}"; do
        ip netns pids "$ns" 2>/dev/null | xargs -r kill -9   # nginx workers and check scripts, by pid
        ip netns del "$ns" 2>/dev/null
    done
    rm -rf "$work"
}
trap cleanup EXIT
for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null || true; done

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
holder() { # [VIP]
    local vip=${1:-10.250.10.100}
    for node in a b; do
        ip -n "vklab-$node" -o addr show dev eth0 | grep -q " $vip/" && printf '%s ' "$node"
    done
    echo
}
wait_for_holder() { # NODE TIMEOUT [VIP]
    local start; start=$(now)
    for _ in $(seq 1 $(( $2 * 50 ))); do
        [ "$(holder "${3:-}")" = "$1 " ] && { echo "VIP ${3:-10.250.10.100} on node $1 after $(elapsed "$start") s"; return 0; }
        sleep 0.02
    done
    echo "VIP ${3:-10.250.10.100} not on node $1 after $2 s (holders: $(holder "${3:-}"))"; return 1
}
wait_for_added() { # NODE TIMEOUT VIP: the VIP is on NODE (a crashed node may still have it)
    local start; start=$(now)
    for _ in $(seq 1 $(( $2 * 200 ))); do
        holder "$3" | grep -q "$1" && { echo "VIP $3 on node $1 after $(elapsed "$start") s"; return 0; }
        sleep 0.005
    done
    echo "VIP $3 not on node $1 after $2 s"; return 1
}
client_get() { ip netns exec vklab-c curl -s --max-time 2 "http://10.250.10.100$1" || echo "(no answer)"; }

say "network: a bridge, two Harbor nodes and a client"
ip netns add vklab-sw
ip -n vklab-sw link add br0 type bridge && ip -n vklab-sw link set br0 up
index=0
for node in a b c; do
    case $node in a) host=11 ;; b) host=12 ;; c) host=200 ;; esac
    ip netns add "vklab-$node"
    # No duplicate address detection: the link-local address VRRPv3 sends from is usable at once.
    ip netns exec "vklab-$node" sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0
    ip link add eth0 netns "vklab-$node" type veth peer name "p$node" netns vklab-sw
    ip -n vklab-sw link set "p$node" master br0 && ip -n vklab-sw link set "p$node" up
    ip -n "vklab-$node" addr add "10.250.10.$host/24" dev eth0
    ip -n "vklab-$node" addr add "fd00:250:10::$host/64" dev eth0 nodad
    ip -n "vklab-$node" link set eth0 up && ip -n "vklab-$node" link set lo up
    echo "vklab-$node eth0 10.250.10.$host fd00:250:10::$host"
done

say "Harbor stand-ins: nginx serving /api/v2.0/ping and /api/v2.0/health on each node"
for node in a b; do
    mkdir -p "$work/$node" && chmod 755 "$work/$node"
    printf '{"status":"healthy","components":[{"name":"core","status":"healthy"},{"name":"portal","status":"healthy"},{"name":"registry","status":"healthy"},{"name":"registryctl","status":"healthy"},{"name":"jobservice","status":"healthy"},{"name":"database","status":"healthy"},{"name":"redis","status":"healthy"}]}' > "$work/$node/health.json"
    cat > "$work/$node/nginx.conf" <<NGINX
daemon off;
worker_processes 1;
pid $work/$node/nginx.pid;
error_log $work/$node/error.log;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $work/$node; proxy_temp_path $work/$node; fastcgi_temp_path $work/$node;
    uwsgi_temp_path $work/$node; scgi_temp_path $work/$node;
    server {
        listen 80;
        listen [::]:80;
        location = /api/v2.0/ping { default_type text/plain; return 200 "Pong"; }
        location = /api/v2.0/health { default_type application/json; alias $work/$node/health.json; }
        location / { default_type text/plain; return 200 "Harbor on node $node\n"; }
    }
}
NGINX
    ip netns exec "vklab-$node" nginx -c "$work/$node/nginx.conf" -p "$work/$node" 2>>"$work/$node/error.log" &
    nginx_pid[$node]=$!
done
sleep 0.5
for node in a b; do
    echo "node $node: /api/v2.0/ping -> $(ip netns exec "vklab-$node" curl -s --max-time 2 http://127.0.0.1/api/v2.0/ping)"
done

start_vipkeeper() { # NODE [EXAMPLE]
    ip netns exec "vklab-$1" "$bin" run -f "$root/examples/${2:-harbor-pair}/node-$1.conf" --socket "$work/$1.sock" \
        --state-directory "$work/state-$1" --metrics 127.0.0.1:9650 >>"$work/$1.log" 2>&1 &
    vipkeeper_pid[$1]=$!
}

say "vipkeeper on both nodes (examples/harbor-pair: A priority 110, B priority 100, HTTP checks)"
"$bin" check --no-host-checks -f examples/harbor-pair/node-a.conf
start_vipkeeper a
start_vipkeeper b
wait_for_holder a 10
"$bin" status --socket "$work/a.sock" || true
echo "client GET http://10.250.10.100/ -> $(client_get /)"

say "stop vipkeeper on node A (SIGTERM: priority-0 advert, VIP released)"
kill -TERM "${vipkeeper_pid[a]}"; wait "${vipkeeper_pid[a]}" || true
wait_for_holder b 5
echo "client GET http://10.250.10.100/ -> $(client_get /)"

say "start node A again: it preempts node B"
start_vipkeeper a
wait_for_holder a 10
echo "client GET http://10.250.10.100/ -> $(client_get /)"

say "reload node A (SIGHUP, as systemctl reload does): nothing changed, so it stays Master"
kill -HUP "${vipkeeper_pid[a]}"
sleep 4
[ "$(holder)" = "a " ] || { echo "VIP left node A on a reload (holders: $(holder))"; exit 1; }
grep -h 'reload applied' "$work/a.log" | tail -n 1
echo "VIP still on node A 4 s after the reload"

say "node A's Harbor reports core unhealthy (/api/v2.0/health JSON): priority 110 - 30 = 80 < 100"
sed -i 's/"name":"core","status":"healthy"/"name":"core","status":"unhealthy"/' "$work/a/health.json"
wait_for_holder b 20
echo "client GET http://10.250.10.100/ -> $(client_get /)"
"$bin" status --socket "$work/b.sock" || true

say "node A's Harbor recovers: the VIP returns (preempt)"
sed -i 's/"name":"core","status":"unhealthy"/"name":"core","status":"healthy"/' "$work/a/health.json"
wait_for_holder a 30
echo "client GET http://10.250.10.100/ -> $(client_get /)"

say "failover drill on node A (the Master): the VIP to B and back, probed through the VIP every 20 ms"
ip netns exec vklab-a "$bin" drill --hold 3 --probe http://10.250.10.100/api/v2.0/ping --socket "$work/a.sock"
wait_for_holder a 10

say "maintenance on node A (a Harbor upgrade): B takes the VIP, A stays a Backup at priority 1"
ip netns exec vklab-a "$bin" maintenance on --reason "Harbor upgrade" --socket "$work/a.sock"
wait_for_holder b 5
"$bin" status --socket "$work/a.sock" || echo "(status exit $?: degraded while in maintenance)"
ip netns exec vklab-a "$bin" maintenance off --socket "$work/a.sock"
wait_for_holder a 10
echo "client GET http://10.250.10.100/ -> $(client_get /)"

say "Prometheus metrics of node A (keepalived-exporter names), scraped once"
ip netns exec vklab-a curl -sf --max-time 2 http://127.0.0.1:9650/metrics \
    | grep -E '^(keepalived_up|keepalived_vrrp_state|keepalived_advertisements_(sent|received)_total|keepalived_become_master_total|keepalived_script_status|vipkeeper_last_drill_result|vipkeeper_priority)[{ ]'

say "VRRPv3 at 0.1 s with an IPv4 and an IPv6 VIP (examples/harbor-pair-v3): both nodes move at once"
"$bin" check --no-host-checks -f examples/harbor-pair-v3/node-a.conf
kill -TERM "${vipkeeper_pid[b]}"; wait "${vipkeeper_pid[b]}" || true
kill -TERM "${vipkeeper_pid[a]}"; wait "${vipkeeper_pid[a]}" || true
start_vipkeeper a harbor-pair-v3
start_vipkeeper b harbor-pair-v3
wait_for_holder a 10 10.250.10.100
wait_for_holder a 10 fd00:250:10::100
sleep 1
"$bin" status --socket "$work/b.sock" || true
echo "client GET http://10.250.10.100/ -> $(client_get /)"
echo "client GET http://[fd00:250:10::100]/ -> $(ip netns exec vklab-c curl -s --max-time 2 'http://[fd00:250:10::100]/' || echo '(no answer)')"

say "node A crashes (SIGKILL: no priority-0 advert; its VIPs stay in its kernel): B takes both after 3 × 0.1 s + skew"
kill -KILL "${vipkeeper_pid[a]}"; wait "${vipkeeper_pid[a]}" 2>/dev/null || true
wait_for_added b 3 10.250.10.100
wait_for_added b 3 fd00:250:10::100
sleep 0.5
echo "client neighbour entry for fd00:250:10::100: $(ip -n vklab-c neigh show fd00:250:10::100) (node B is $(ip -n vklab-b -o link show eth0 | sed 's/.*link\/ether \([^ ]*\).*/\1/'))"

say "node A restarts: it removes the VIPs its crashed run left behind and preempts"
start_vipkeeper a harbor-pair-v3
wait_for_holder a 10 10.250.10.100
wait_for_holder a 10 fd00:250:10::100
grep -h 'left behind' "$work/a.log" | tail -n 2
echo "client GET http://[fd00:250:10::100]/ -> $(ip netns exec vklab-c curl -s --max-time 2 'http://[fd00:250:10::100]/' || echo '(no answer)')"

say "state changes logged by vipkeeper"
grep -h -- '->' "$work/a.log" | sed 's/^/node a: /'
grep -h -- '->' "$work/b.log" | sed 's/^/node b: /'
say "done; removing the lab"
