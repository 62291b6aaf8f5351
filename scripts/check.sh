# Sourced by scripts/test-package.sh and scripts/test-systemd.sh: one named check, counted in
# `passed` / `failed`; a failing check prints the last 20 lines of its output.
passed=0
failed=0
check() {  # NAME COMMAND...
    local name=$1; shift
    local output
    if output=$("$@" 2>&1); then
        passed=$((passed + 1)); echo "ok   $name"
    else
        failed=$((failed + 1)); echo "FAIL $name"; printf '%s\n' "$output" | sed 's/^/     /' | tail -n 20
    fi
}
