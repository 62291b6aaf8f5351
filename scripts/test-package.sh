#!/usr/bin/env bash
# Tests the Debian package scripts/package.sh built: its metadata and files, that the binary
# needs nothing of the Swift toolchain (it runs with /opt/swift hidden under a tmpfs in a mount
# namespace), and lintian. Prints one line per check and `N passed, N failed`; exits 1 on any
# failure. Root (for the mount namespace).
#
# usage: scripts/test-package.sh dist/vipkeeper_VERSION_amd64.deb
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
deb=$(realpath "$1")
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
. scripts/check.sh   # check NAME COMMAND...

setup package "dpkg-deb -x $deb" dpkg-deb -x "$deb" "$root"
control=$(dpkg-deb -f "$deb") || { failed=$((failed + 1)); echo "FAIL dpkg-deb -f $deb"; }
check "Depends names libnl-3-200 and libnl-route-3-200" grep -qE '^Depends: .*libnl-3-200, libnl-route-3-200' <<<"$control"
check "Depends names libcurl4 (HTTP checks, SMTP alerts)" grep -qE '^Depends: .*libcurl4' <<<"$control"
md5sums_match() {
    local sums
    sums=$(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./md5sums) || { echo "no md5sums in the package"; return 1; }
    grep -q ' usr/sbin/vipkeeper$' <<<"$sums" || { echo "md5sums does not list usr/sbin/vipkeeper"; return 1; }
    (cd "$root" && md5sum --quiet -c) <<<"$sums"
}
check "md5sums lists the shipped files and they match" md5sums_match
check "the description names VRRPv3" grep -q 'VRRPv3' <<<"$control"
check "copyright names the statically linked Swift components and their licences" sh -c \
    "grep -q 'swift-argument-parser' '$root/usr/share/doc/vipkeeper/copyright' && grep -q 'FoundationEssentials' '$root/usr/share/doc/vipkeeper/copyright' && grep -q 'Runtime Library Exception' '$root/usr/share/doc/vipkeeper/copyright'"
check "the example configuration is a conffile" sh -c "dpkg-deb --ctrl-tarfile '$deb' | tar -xO ./conffiles | grep -qx /etc/vipkeeper/vipkeeper.conf"
check "/etc/default/vipkeeper (VIPKEEPER_CONFIG, DAEMON_ARGS) is a conffile" sh -c "dpkg-deb --ctrl-tarfile '$deb' | tar -xO ./conffiles | grep -qx /etc/default/vipkeeper && grep -q '^DAEMON_ARGS=\"\"' '$root/etc/default/vipkeeper'"
for file in usr/sbin/vipkeeper lib/systemd/system/vipkeeper.service etc/vipkeeper/vipkeeper.conf usr/share/man/man8/vipkeeper.8.gz \
            usr/share/doc/vipkeeper/README.md usr/share/doc/vipkeeper/copyright usr/share/doc/vipkeeper/examples/harbor-pair/node-a.conf \
            usr/share/bash-completion/completions/vipkeeper usr/share/zsh/vendor-completions/_vipkeeper \
            usr/share/fish/vendor_completions.d/vipkeeper.fish usr/share/vipkeeper/prometheus-rules.yml \
            usr/share/vipkeeper/grafana-dashboard.json; do
    check "ships /$file" test -s "$root/$file"
done
check "the unit runs /usr/sbin/vipkeeper with state and runtime directories" \
    sh -c "grep -q 'ExecStart=/usr/sbin/vipkeeper run' '$root/lib/systemd/system/vipkeeper.service' && grep -q '^StateDirectory=vipkeeper' '$root/lib/systemd/system/vipkeeper.service' && grep -q '^RuntimeDirectory=vipkeeper' '$root/lib/systemd/system/vipkeeper.service'"
# Each tool's output and status are taken first: a negated grep over the output of a tool that
# failed (and printed nothing) would pass.
only_allowed_libraries() {
    local out
    out=$(ldd "$root/usr/sbin/vipkeeper" 2>&1) || { echo "ldd failed: $out"; return 1; }
    grep -q 'libc\.so' <<<"$out" || { echo "ldd lists no libc: $out"; return 1; }
    # libcurl's own dependencies (OpenSSL, nghttp2, ...) come with libcurl4.
    local curl
    curl=$(ldd /usr/lib/x86_64-linux-gnu/libcurl.so.4 2>&1 | awk '{print $1}') || { echo "ldd libcurl failed: $curl"; return 1; }
    # Prints any other library and fails.
    ! grep -vE 'linux-vdso|ld-linux|lib(c|m|stdc\+\+|gcc_s|nl-3|nl-route-3|curl)\.so' <<<"$out" | grep -vwFf <(echo "$curl")
}
check "the binary links only libc, libm, libstdc++, libgcc_s, libnl and libcurl (with libcurl's own libraries)" only_allowed_libraries
stripped() {
    local out
    out=$(file "$root/usr/sbin/vipkeeper" 2>&1) || { echo "file failed: $out"; return 1; }
    echo "$out"
    grep -q 'ELF 64-bit' <<<"$out" && grep -q ', stripped' <<<"$out" && ! grep -q 'not stripped' <<<"$out"
}
check "the binary is stripped" stripped
# DT_RELR (packed relocations) needs glibc 2.36: the libc6 version in Depends must cover every
# GLIBC_x.y version the binary asks for.
libc_covered() {
    local versions need have
    versions=$(readelf -V --wide "$root/usr/sbin/vipkeeper" 2>&1) || { echo "readelf failed: $versions"; return 1; }
    need=$(grep -oE 'Name: GLIBC_[0-9]+\.[0-9]+' <<<"$versions" | sed 's/.*GLIBC_//' | sort -V | tail -1)
    have=$(sed -nE 's/^Depends: .*libc6 \(>= ([0-9.]+)\).*/\1/p' <<<"$control")
    echo "binary needs GLIBC_$need, Depends says libc6 (>= $have)"
    [ -n "$need" ] && [ -n "$have" ] && [ "$(printf '%s\n%s\n' "$need" "$have" | sort -V | tail -1)" = "$have" ]
}
check "Depends' libc6 version covers the binary's GLIBC versions" libc_covered
check "the manual is vipkeeper(8)" sh -c "zcat '$root/usr/share/man/man8/vipkeeper.8.gz' | grep -q '^.Dt VIPKEEPER 8'"
conf_manual() {
    local page warnings
    page=$(zcat "$root/usr/share/man/man5/vipkeeper.conf.5.gz") || { echo "no vipkeeper.conf(5)"; return 1; }
    grep -q '^.TH VIPKEEPER.CONF 5' <<<"$page" && grep -q 'vrrp_instance' <<<"$page" || { echo "not the configuration manual"; return 1; }
    # groff's own warnings (bad requests, characters it cannot print) fail the page.
    warnings=$(groff -man -ww -z <<<"$page" 2>&1)
    [ -z "$warnings" ] || { echo "$warnings" | head -5; return 1; }
}
check "the manual vipkeeper.conf(5) renders without a warning" conf_manual
hidden() {  # runs a command with the Swift toolchain out of sight
    unshare -m sh -c "mount -t tmpfs none /opt/swift && test -z \"\$(ls /opt/swift)\" && { $*
}"
}
check "--version prints version and commit with the toolchain hidden" \
    hidden "'$root/usr/sbin/vipkeeper' --version | grep -qE '^[0-9]+\.[0-9]+\.[0-9]+ \([0-9a-f]{7,}'"
# A fresh install runs nothing: the shipped file is all comments (the unit's ExecCondition
# skips the start), and it is a valid configuration once its lines are uncommented.
check "the shipped configuration is inert: check --condition skips it (toolchain hidden)" \
    hidden "'$root/usr/sbin/vipkeeper' check --condition -f '$root/etc/vipkeeper/vipkeeper.conf'; [ \$? -eq 1 ]"
check "the unit skips the start while nothing is configured (ExecCondition)" \
    grep -q '^ExecCondition=/usr/sbin/vipkeeper check --condition' "$root/lib/systemd/system/vipkeeper.service"
check "the shipped configuration, uncommented, is valid (toolchain hidden)" \
    hidden "sed 's/^#//' '$root/etc/vipkeeper/vipkeeper.conf' > '$root/activated.conf' && '$root/usr/sbin/vipkeeper' check --no-host-checks -f '$root/activated.conf'"
# Exit 2 is "valid, with warnings"; 1 (errors) or a crash fails.
check "check -f the shipped keepalived example with the toolchain hidden (exit 0 or 2: warnings)" \
    hidden "'$root/usr/sbin/vipkeeper' check --no-host-checks -f '$root/usr/share/doc/vipkeeper/examples/harbor-keepalived-master.conf'; status=\$?; echo \"exit \$status\"; [ \$status -eq 0 ] || [ \$status -eq 2 ]"
if command -v lintian >/dev/null; then
    # The package is lintian-clean: any error or warning fails.
    lintian_clean() {
        local out status=0
        out=$(lintian --allow-root "$deb" 2>&1) || status=$?
        # 0: no errors; 1: errors found; 2 and up: lintian itself failed.
        [ "$status" -eq 0 ] || { printf 'lintian exited %s:\n%s\n' "$status" "$out"; return 1; }
        ! grep -E '^[EW]:' <<<"$out"
    }
    check "lintian: no errors or warnings" lintian_clean
else
    failed=$((failed + 1)); echo "FAIL lintian is not installed (scripts/install-deps.sh installs it)"
fi
finish package
