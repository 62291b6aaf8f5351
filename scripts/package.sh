#!/usr/bin/env bash
# Builds the Debian package of vipkeeper: dist/vipkeeper_VERSION_amd64.deb.
#
# The binary links the Swift runtime statically (--static-swift-stdlib) and is stripped, so it
# needs only the node's libc, libstdc++, libnl and libcurl (with the system's OpenSSL for HTTPS
# checks); libnftables, recommended, is loaded only for no_accept. The package holds it at
# /usr/sbin/vipkeeper, the unit,
# a commented Harbor configuration as a conffile, the README and examples, the vipkeeper(8)
# manual generated from the command's help, and shell completions. No network is used beyond
# what `swift build` needs for the package's own dependencies.
#
# usage: scripts/package.sh [OUTPUT_DIRECTORY]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-dist}
mkdir -p "$out"
version=$(sed -n 's/.*static let version = "\(.*\)"/\1/p' Sources/vipkeeper/BuildInfo.swift)
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then commit="$commit-modified"; fi

# The commit goes into `vipkeeper --version` for this build only.
info=Sources/vipkeeper/BuildInfo.swift
saved=$(mktemp)
cp "$info" "$saved"
restore() { cp "$saved" "$info"; rm -f "$saved"; }
trap restore EXIT
sed -i "s/static let commit = \".*\"/static let commit = \"$commit\"/" "$info"
# Linked by lld (Package.swift) with packed relative relocations (DT_RELR, glibc >= 2.36: the
# dynamic loader reads 8 KiB instead of 1 MiB of relocations at start) and without exporting
# its ~6,900 Swift symbols (nothing looks them up: -s strips the names anyway), 1.7 MB less.
swift build -c release --static-swift-stdlib -Xlinker -s -Xlinker -z -Xlinker pack-relative-relocs \
    -Xlinker --no-export-dynamic --product vipkeeper
restore
trap - EXIT
bin="$(swift build -c release --show-bin-path)/vipkeeper"

stage=$(mktemp -d)
chmod 0755 "$stage"
trap 'rm -rf "$stage"' EXIT
install -D -m 0755 "$bin" "$stage/usr/sbin/vipkeeper"
install -D -m 0644 systemd/vipkeeper.service "$stage/lib/systemd/system/vipkeeper.service"
install -D -m 0644 packaging/vipkeeper.conf "$stage/etc/vipkeeper/vipkeeper.conf"
install -D -m 0644 packaging/vipkeeper.default "$stage/etc/default/vipkeeper"
# Prometheus alert rules and a Grafana dashboard (README, "Prometheus metrics").
install -D -m 0644 packaging/prometheus/vipkeeper-rules.yml "$stage/usr/share/vipkeeper/prometheus-rules.yml"
install -D -m 0644 packaging/grafana/vipkeeper-dashboard.json "$stage/usr/share/vipkeeper/grafana-dashboard.json"
doc="$stage/usr/share/doc/vipkeeper"
install -D -m 0644 README.md "$doc/README.md"
install -D -m 0644 packaging/debian/copyright "$doc/copyright"
for example in examples/*.conf examples/*/*.conf; do
    install -D -m 0644 "$example" "$doc/$example"
done
printf 'vipkeeper (%s) stable; urgency=medium\n\n  * Release %s (%s).\n\n -- vipkeeper maintainers <maintainers@vipkeeper.invalid>  %s\n' \
    "$version" "$version" "$commit" "$(date -R)" | gzip -9n > "$doc/changelog.gz"

# vipkeeper(8), generated from the built binary's help by swift-argument-parser's
# generate-manual tool (what its plugin runs, without building vipkeeper a second time).
swift build --product generate-manual >/dev/null
manuals=$(mktemp -d)
"$(swift build --show-bin-path)/generate-manual" "$bin" --section 8 --output-directory "$manuals" \
    --authors "vipkeeper maintainers"
install -d "$stage/usr/share/man/man8" "$stage/usr/share/man/man5"
sed '/^$/d' "$manuals/vipkeeper.8" | gzip -9n > "$stage/usr/share/man/man8/vipkeeper.8.gz"
# vipkeeper.conf(5), from the README's "Configuration" section (one text for both).
python3 scripts/conf-manual.py README.md "$version" | gzip -9n > "$stage/usr/share/man/man5/vipkeeper.conf.5.gz"
rm -rf "$manuals"

install -d "$stage/usr/share/bash-completion/completions" "$stage/usr/share/zsh/vendor-completions" \
    "$stage/usr/share/fish/vendor_completions.d"
"$bin" --generate-completion-script bash | sed '1{/^#!/d}' > "$stage/usr/share/bash-completion/completions/vipkeeper"
"$bin" --generate-completion-script zsh > "$stage/usr/share/zsh/vendor-completions/_vipkeeper"
"$bin" --generate-completion-script fish > "$stage/usr/share/fish/vendor_completions.d/vipkeeper.fish"

install -d -m 0755 "$stage/DEBIAN"
for script in postinst prerm postrm; do install -m 0755 "packaging/debian/$script" "$stage/DEBIAN/$script"; done
printf '%s\n' /etc/vipkeeper/vipkeeper.conf /etc/default/vipkeeper > "$stage/DEBIAN/conffiles"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
# md5sums of every shipped file but the conffiles (dpkg keeps theirs itself), as dh_md5sums.
(cd "$stage" && find . -type f ! -path './DEBIAN/*' ! -path './etc/*' -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) > "$stage/DEBIAN/md5sums"
cat > "$stage/DEBIAN/control" <<CONTROL
Package: vipkeeper
Version: $version
Architecture: amd64
Maintainer: vipkeeper maintainers <maintainers@vipkeeper.invalid>
Installed-Size: $size
Depends: libc6 (>= 2.36), libnl-3-200, libnl-route-3-200, libcurl4, libstdc++6, libgcc-s1, procps
Recommends: curl, libnftables1
Section: net
Priority: optional
Description: VRRP failover agent for Harbor registry nodes, keepalived.conf compatible
 vipkeeper moves virtual IPs between two or three Harbor nodes with VRRPv2
 (RFC 3768) and VRRPv3 (RFC 5798, IPv4 and IPv6), byte-compatible with
 keepalived, reading the VRRP part of an existing keepalived.conf. It adds
 typed HTTP(S) checks against Harbor's /api/v2.0/ping and /api/v2.0/health,
 a failover drill, maintenance mode, a status command with monitoring exit
 codes, e-mail alerts, and Prometheus metrics with alert rules and a
 Grafana dashboard.
CONTROL
deb="$out/vipkeeper_${version}_amd64.deb"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
