#!/usr/bin/env bash
# Runs `keepalived -t` and `vipkeeper check` side by side on real keepalived.conf files
# (issue 17), each file in a network namespace that has the interfaces it names (veth) and a
# private mount namespace that has the scripts it runs (stubs on an overlay), so a missing
# interface or script on this machine is told apart from a real error.
#
# usage: scripts/corpus-check.sh VIPKEEPER FILE...
# Prints one line per file: `<keepalived verdict> <vipkeeper exit> <file> | <first vipkeeper
# error>`, an `ignored KEYWORD` line per VRRP-side keyword vipkeeper ignores there, an
# `ignored-lvs KEYWORD` line for the LVS configuration (left to keepalived's checker), and a summary.
# keepalived -t exits non-zero for any message, even one it runs with (its exit is the worst
# message's class), so its verdict comes from its messages: `clean`; `warn` when every message
# is one keepalived runs with (listed below, from its sources); `error` otherwise.
# Needs root (namespaces, overlay mounts). Cleans up after every file.
set -uo pipefail
vipkeeper=$1; shift
work=$(mktemp -d /tmp/vk-corpus-XXXXXX)
trap 'rm -rf "$work"' EXIT

# The interfaces a file names: `interface X`, `dev X`, `track_interface { X ... }` entries.
interfaces() {
    tr -d '\r' < "$1" | sed 's/[#!].*//' | awk '
        /track_interface[ \t]*\{/ { tracking = 1; sub(/.*track_interface[ \t]*\{/, "") }
        tracking { line = $0; if (line ~ /\}/) { sub(/\}.*/, "", line); tracking = 0 }
                   n = split(line, words, /[ \t]+/); if (words[1] != "") print words[1]; else if (n > 1) print words[2]; next }
        { for (i = 1; i < NF; i++) if ($i == "interface" || $i == "dev" || $i == "track_interface") print $(i + 1) }' |
        sed 's/[@:].*//' | grep -E '^[A-Za-z0-9_.-]{1,15}$' | sort -u
}

# The absolute programs a file runs: the first word of `script`, `notify*` values.
programs() {
    tr -d '\r' < "$1" | sed 's/^[ \t]*[#!].*//' | awk '
        $1 ~ /^(script|notify|notify_master|notify_backup|notify_fault|notify_stop|notify_deleted)$/ {
            $1 = ""; sub(/^[ \t]+/, ""); gsub(/^["\047]/, ""); split($0, words, /[ \t"\047]+/); print words[1] }' |
        grep -E '^/' | sort -u
}

# keepalived's verdict from its `-t` messages: clean, warn (it runs the file) or error.
verdict() {
    local worst=clean message
    while IFS= read -r line; do
        [ -n "$line" ] || continue
        message=$(sed -E 's/^\([^)]*Line [0-9]+\) //' <<< "$line")
        case "$message" in
            "Truncating auth_pass"*|"SECURITY VIOLATION"*|*"nopreempt will not work with initial state MASTER"*|\
            *"lvs_sync_daemon_interface"*|*"Please use global lvs_sync_daemon"*|*"No VIP specified"*|*"since own interface"*|\
            *"empty notification_email block"*|*"unknown state '"*"', defaulting to BACKUP"*|*"ignoring tracked script"*"due to address_owner"*|\
            "Virtual server "*"no forwarding method set"*|*'"gw" for routes is deprecated'*|*"cannot track route default with no interface"*|\
            *"A unicast keyword has been specified without any unicast peers"*|*"WARNING - default user 'keepalived_script' for script execution does not exist"*)
                [ "$worst" = clean ] && worst=warn ;;
            *) [ "$worst" = error ] || first="$message"; worst=error ;;
        esac
    done < "$1"
    echo "$worst"
}
first=""

accepted=0 clean=0 refused=0 total=0
for file in "$@"; do
    total=$((total + 1))
    ns=vkcorpus$$
    rm -f "$work/keepalived.out" "$work/keepalived.rc" "$work/vipkeeper.out" "$work/vipkeeper.rc"
    # A set-up step that fails fails the run: no verdict from a file that was not really checked.
    ip netns add "$ns" || { echo "set-up failed: ip netns add $ns"; exit 1; }
    ip -n "$ns" link set lo up
    peer=0
    for name in $(interfaces "$file"); do
        peer=$((peer + 1))
        ip -n "$ns" link add "$name" type veth peer name "vkc$peer" 2>/dev/null && ip -n "$ns" link set "$name" up
    done
    # Stubs for the programs that are not on this machine, on overlays of their top folders.
    missing=()
    for program in $(programs "$file"); do [ -e "$program" ] || missing+=("$program"); done
    setup=""
    for top in $(printf '%s\n' "${missing[@]}" | awk -F/ 'NF > 2 { print "/" $2 }' | sort -u); do
        mkdir -p "$work/upper$top" "$work/work$top"
        [ -d "$top" ] || { setup+="mkdir -p $top; "; }
        setup+="mount -t overlay overlay -o lowerdir=$top,upperdir=$work/upper$top,workdir=$work/work$top $top 2>/dev/null || mount -t tmpfs tmpfs $top; "
    done
    for program in "${missing[@]}"; do
        setup+="mkdir -p '$(dirname "$program")' && printf '#!/bin/sh\nexit 0\n' > '$program' && chmod 755 '$program'; "
    done
    ip netns exec "$ns" unshare -m sh -c "$setup
        timeout 20 keepalived -t -f '$file' > '$work/keepalived.out' 2>&1; echo \$? > '$work/keepalived.rc'
        timeout 20 '$vipkeeper' check --no-host-checks --allow-warnings --config '$file' > '$work/vipkeeper.out' 2>&1; echo \$? > '$work/vipkeeper.rc'"
    first=""
    if [ ! -s "$work/keepalived.rc" ] || [ ! -s "$work/vipkeeper.rc" ]; then
        ip netns del "$ns"
        echo "set-up failed: no result for $file"
        exit 1
    fi
    ka=$(verdict "$work/keepalived.out"); vk=$(cat "$work/vipkeeper.rc")
    [ "$ka" = error ] && first=$(grep -m1 -vE 'Truncating auth_pass|SECURITY VIOLATION|defaulting to BACKUP|lvs_sync_daemon|No VIP specified|notification_email' "$work/keepalived.out" | sed -E 's/^\([^)]*Line ([0-9]+)\) /line \1: /')
    ip netns del "$ns"
    rm -rf "$work/upper" "$work/work"
    [ "$ka" = clean ] && clean=$((clean + 1))
    if [ "$ka" != error ]; then
        accepted=$((accepted + 1))
        [ "$vk" = 0 ] || refused=$((refused + 1))
    fi
    echo "$ka $vk $(basename "$file") | $(grep -m1 ': error: ' "$work/vipkeeper.out" | sed 's/^[^:]*://' | cut -c1-200)${first:+ | keepalived: ${first:0:160}}"
    grep -hE 'vipkeeper does not support; ignored' "$work/vipkeeper.out" |
        sed 's/^[^`]*`\([^`]*\)`.*/ignored \1/' | sort -u
    grep -hE 'not by vipkeeper; ignored' "$work/vipkeeper.out" |
        sed 's/^[^`]*`\([^`]*\)`.*/ignored-lvs \1/' | sort -u
done
echo "summary: $total files; keepalived accepts $accepted ($clean without a message); vipkeeper refuses $refused of those"
