#!/usr/bin/env bash
# Installs the Debian packages vipkeeper's build, tests and lab need, when missing.
# Run as root on Debian 12 (the Swift toolchain itself is expected on PATH).
set -euo pipefail
packages=(
    iproute2            # ip netns / veth for the namespace tests and the lab
    keepalived          # the interoperability peer and `keepalived -t` comparisons
)
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
