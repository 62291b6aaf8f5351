#!/usr/bin/env bash
# Tests the Debian package scripts/package.sh built: its metadata and files, that the binary
# needs nothing of the Swift toolchain (it runs with /opt/swift hidden under a tmpfs in a mount
# namespace), and lintian. Prints one line per check and `N passed, N failed`; exits 1 on any
# failure. Root (for the mount namespace).
#
# usage: scripts/test-package.sh dist/vipkeeper_VERSION_amd64.deb
set -uo pipefail
cd "$(dirname "$0")/.."
deb=$(realpath "$1")
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
. scripts/check.sh   # check NAME COMMAND...

dpkg-deb -x "$deb" "$root"
control=$(dpkg-deb -f "$deb")
check "Depends names libnl-3-200 and libnl-route-3-200" grep -qE '^Depends: .*libnl-3-200, libnl-route-3-200' <<<"$control"
check "the example configuration is a conffile" sh -c "dpkg-deb --ctrl-tarfile '$deb' | tar -xO ./conffiles | grep -qx /etc/vipkeeper/vipkeeper.conf"
for file in usr/sbin/vipkeeper lib/systemd/system/vipkeeper.service etc/vipkeeper/vipkeeper.conf usr/share/man/man8/vipkeeper.8.gz \
            usr/share/doc/vipkeeper/README.md usr/share/doc/vipkeeper/copyright usr/share/doc/vipkeeper/examples/harbor-pair/node-a.conf \
            usr/share/bash-completion/completions/vipkeeper usr/share/zsh/vendor-completions/_vipkeeper \
            usr/share/fish/vendor_completions.d/vipkeeper.fish; do
    check "ships /$file" test -s "$root/$file"
done
check "the unit runs /usr/sbin/vipkeeper with state and runtime directories" \
    sh -c "grep -q 'ExecStart=/usr/sbin/vipkeeper run' '$root/lib/systemd/system/vipkeeper.service' && grep -q '^StateDirectory=vipkeeper' '$root/lib/systemd/system/vipkeeper.service' && grep -q '^RuntimeDirectory=vipkeeper' '$root/lib/systemd/system/vipkeeper.service'"
check "the binary links only libc, libm, libstdc++, libgcc_s and libnl" \
    sh -c "! ldd '$root/usr/sbin/vipkeeper' | grep -vE 'linux-vdso|ld-linux|lib(c|m|stdc\+\+|gcc_s|nl-3|nl-route-3)\.so'"
check "the binary is stripped" sh -c "! file '$root/usr/sbin/vipkeeper' | grep -q 'not stripped'"
check "the manual is vipkeeper(8)" sh -c "zcat '$root/usr/share/man/man8/vipkeeper.8.gz' | grep -q '^.Dt VIPKEEPER 8'"
hidden() {  # runs a command with the Swift toolchain out of sight
    unshare -m sh -c "mount -t tmpfs none /opt/swift && test -z \"\$(ls /opt/swift)\" && $*"
}
check "--version prints version and commit with the toolchain hidden" \
    hidden "'$root/usr/sbin/vipkeeper' --version | grep -qE '^[0-9]+\.[0-9]+\.[0-9]+ \([0-9a-f]{7,}'"
check "check -f the shipped configuration with the toolchain hidden" \
    hidden "'$root/usr/sbin/vipkeeper' check -f '$root/etc/vipkeeper/vipkeeper.conf'"
check "check -f the shipped keepalived example with the toolchain hidden (exit 0 or 2: warnings)" \
    hidden "'$root/usr/sbin/vipkeeper' check -f '$root/usr/share/doc/vipkeeper/examples/harbor-keepalived-master.conf'; test \$? -le 2"
if command -v lintian >/dev/null; then
    # The package is lintian-clean: any error or warning fails.
    check "lintian: no errors or warnings" \
        sh -c "! lintian --allow-root '$deb' | grep -E '^[EW]:'"
else
    failed=$((failed + 1)); echo "FAIL lintian is not installed (scripts/install-deps.sh installs it)"
fi
echo "package: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
