#!/usr/bin/env bash
# Installs the Debian packages vipkeeper's build, tests and lab need, when missing.
# Run as root on Debian 12 (the Swift toolchain itself is expected on PATH).
set -euo pipefail
packages=(
    pkg-config          # SwiftPM finds libnl through it
    libnl-3-dev         # netlink (VIPs, link state)
    libnl-route-3-dev
    iproute2            # ip netns / veth for the namespace tests and the lab
    iputils-ping        # the lab's client reaches the VIP
    nftables            # namespace tests cut VRRP between nodes (partitions)
    python3             # the bad-input test's packet injector
    keepalived          # the interoperability peer and `keepalived -t` comparisons
)
# Extra packages for one caller (the lab adds nginx and curl).
packages+=("$@")
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# keepalived's package starts a system-wide daemon; the tests start their own instances.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet keepalived 2>/dev/null; then
    systemctl stop keepalived || true
fi
