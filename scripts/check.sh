# shellcheck shell=bash
# Sourced by scripts/test-package.sh and scripts/test-systemd.sh: one named check, counted in
# `passed` / `failed`; a failing check prints the last 20 lines of its output, a passing one
# its `measured: ...` lines. A check's command may be a shell function of the sourcing script.
passed=0
failed=0
check() {  # NAME COMMAND...
    local name=$1; shift
    local output
    if output=$("$@" 2>&1); then
        passed=$((passed + 1)); echo "ok   $name"
        printf '%s\n' "$output" | grep '^measured: ' | sed 's/^/     /' || true
    else
        failed=$((failed + 1)); echo "FAIL $name"; printf '%s\n' "$output" | sed 's/^/     /' | tail -n 20
    fi
}
# A set-up step the checks after it rely on: when it fails, the run fails at once (a lab that
# was never made must not let checks pass, nor fail in confusing ways).
setup() {  # LABEL NAME COMMAND...
    local label=$1 name=$2; shift 2
    local output
    if ! output=$("$@" 2>&1); then
        failed=$((failed + 1)); echo "FAIL set-up: $name"; printf '%s\n' "$output" | sed 's/^/     /' | tail -n 20
        echo "$label: $passed passed, $failed failed (stopped at a failed set-up step)"
        exit 1
    fi
}
# The summary line; fails on any failure, and when no check ran at all.
finish() {  # LABEL
    echo "$1: $passed passed, $failed failed"
    [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
}
