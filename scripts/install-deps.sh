#!/usr/bin/env bash
# Installs the Debian packages vipkeeper's build, tests and lab need, when missing.
# Run as root on Debian 12 (the Swift toolchain itself is expected on PATH).
set -euo pipefail
packages=(
    pkg-config          # SwiftPM finds libnl through it
    libnl-3-dev         # netlink (VIPs, link state)
    libnl-route-3-dev
    libcurl4-openssl-dev  # HTTP checks and SMTP alerts through libcurl's multi interface (runs with libcurl4)
    iproute2            # ip netns / veth for the namespace tests and the lab
    iputils-ping        # the lab's client reaches the VIP
    nftables            # namespace tests cut VRRP between nodes (partitions)
    python3             # the bad-input test's packet injector
    keepalived          # the interoperability peer and `keepalived -t` comparisons
    nginx               # stands in for Harbor in the health-check tests and the lab
    curl                # the lab's client, and nginx readiness in tests
    openssl             # certificates (and a TLS server) for the https check tests
    file                # scripts/test-package.sh: the shipped binary is stripped
    lintian             # scripts/test-package.sh: the Debian package is clean
    groff-base          # scripts/test-package.sh: vipkeeper.conf(5) renders without warnings
    debootstrap         # scripts/test-systemd.sh: a Debian 12 root for a real systemd
    util-linux          # unshare, nsenter, setpriv
    opensmtpd           # the real MTA the e-mail alert tests start in a namespace
    prometheus          # the metrics test scrapes a pair and evaluates the shipped rules
    docker-registry     # bench/registry: the registry Harbor runs, on both nodes
    skopeo              # bench/registry: a registry client pulling through the VIP
    frr                 # routed-subnet tests and bench: bgpd on the spine, the leaves and both nodes
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
# The keepalived, nginx, opensmtpd, prometheus, docker-registry and frr packages may start system-wide
# daemons; tests, benchmarks and the lab start their own, in namespaces.
for service in keepalived nginx opensmtpd prometheus docker-registry frr; do
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$service" 2>/dev/null; then
        systemctl stop "$service" || true
    fi
done
