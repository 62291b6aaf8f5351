#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser that faces the network or the operator (Fuzz/README.md).
#   scripts/fuzz.sh [SECONDS-PER-HARNESS] [HARNESS...]
# Builds each libFuzzer harness with AddressSanitizer (LeakSanitizer included), runs it for a
# bounded time on its checked-in seed corpus plus what earlier runs found, and fails on any
# crash, trap, leak, timeout or out-of-memory. Prints executions and coverage per harness and
# writes them to .build-fuzz/summary.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(FuzzAdvertisement FuzzConfiguration FuzzHTTPResponse FuzzControlRequest)
scratch=.build-fuzz
mkdir -p "$scratch/corpus" "$scratch/artifacts" "$scratch/logs"
summary="$scratch/summary.txt"
: > "$summary"
failed=0
for harness in "${harnesses[@]}"; do
    log="$scratch/logs/$harness.build.log"
    # The coverage flags are spelled out: from a clean tree, `--sanitize=fuzzer` alone left some
    # harnesses without any coverage instrumentation (Swift 6.3), so libFuzzer fuzzed blind. One
    # scratch directory per harness keeps each build independent of the others.
    if ! VIPKEEPER_FUZZ=1 swift build --scratch-path "$scratch/$harness" -c debug --sanitize=fuzzer --sanitize=address \
            -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp \
            --product "$harness" > "$log" 2>&1; then
        grep -v "ld.gold: warning" "$log" | tail -30
        echo "fuzz: $harness did not build (log: $log)" >&2
        exit 1
    fi
    binary="$scratch/$harness/debug/$harness"
    found="$scratch/corpus/$harness"
    mkdir -p "$found" "$scratch/artifacts/$harness"
    runlog="$scratch/logs/$harness.run.log"
    # Longest input: a packet fits in 2 KiB; a control line may exceed the 64 KiB limit it enforces.
    case $harness in
        FuzzAdvertisement) max_len=2048 ;;
        FuzzControlRequest) max_len=70000 ;;
        *) max_len=16384 ;;
    esac
    echo "fuzz: $harness for ${seconds}s"
    status=0
    # -timeout: one input taking over 10 s is a hang; -rss_limit_mb: a leak or blow-up.
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 "$binary" "$found" "Fuzz/Corpus/$harness" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=$max_len -print_final_stats=1 \
        -artifact_prefix="$scratch/artifacts/$harness/" > "$runlog" 2>&1 || status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$runlog" | tail -1)
    coverage=$(grep -o 'cov: [0-9]*' "$runlog" | tail -1 | cut -d' ' -f2 || true)
    features=$(grep -o 'ft: [0-9]*' "$runlog" | tail -1 | cut -d' ' -f2 || true)
    corpus=$(find "$found" -type f | wc -l)
    line="$harness: ${runs:-0} executions in ${seconds} s, coverage ${coverage:-0} edges, ${features:-0} features, corpus ${corpus} found + $(find "Fuzz/Corpus/$harness" -type f | wc -l) seeds, exit $status"
    echo "  $line"
    echo "$line" >> "$summary"
    if [ -z "$coverage" ] || [ "$coverage" -eq 0 ]; then
        echo "fuzz: $harness saw no coverage: the harness is not instrumented" >&2
        failed=1
    fi
    if [ "$status" -ne 0 ] || [ -z "$runs" ] || [ "$runs" -eq 0 ]; then
        failed=1
        tail -40 "$runlog"
        echo "fuzz: $harness FAILED; the input is in $scratch/artifacts/$harness/ — add it to Fuzz/Regressions/$harness/ and a test to the suite" >&2
    fi
done
# Every input that once crashed a harness (and the seeds of past bugs) is replayed on every
# run. Each harness has some: a missing or empty folder fails the run, since a replay of
# nothing checks nothing, and so does a replay that did not execute every input.
for harness in "${harnesses[@]}"; do
    regressions="Fuzz/Regressions/$harness"
    inputs=()
    if [ -d "$regressions" ]; then
        while IFS= read -r -d '' input; do inputs+=("$input"); done < <(find "$regressions" -type f -print0 | sort -z)
    fi
    if [ ${#inputs[@]} -eq 0 ]; then
        failed=1
        echo "fuzz: $regressions is missing or empty: nothing to replay for $harness (add at least one input)" >&2
        continue
    fi
    replay="$scratch/logs/$harness.regressions.log"
    status=0
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 "$scratch/$harness/debug/$harness" "${inputs[@]}" > "$replay" 2>&1 || status=$?
    executed=$(grep -c '^Executed ' "$replay" || true)
    echo "  $harness: replayed $executed of ${#inputs[@]} regression inputs, exit $status"
    if [ "$status" -ne 0 ]; then
        failed=1; tail -20 "$replay"; echo "fuzz: a regression input of $harness fails again" >&2
    elif [ "$executed" -ne ${#inputs[@]} ]; then
        failed=1; tail -20 "$replay"; echo "fuzz: $harness executed $executed of ${#inputs[@]} regression inputs" >&2
    fi
done
exit $failed
