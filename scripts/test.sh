#!/usr/bin/env bash
# The test command of the README and of CI: installs what the tests need, then builds and
# runs every test once, fuzzes every parser for a bounded time, then builds the Debian package and tests it, alone and under a real
# systemd. Namespace tests need root; with CI=true they fail instead of skipping.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build --build-tests
swift test --skip-build --disable-xctest
# Coverage-guided fuzzing of every parser, bounded: each harness for 60 s (Fuzz/README.md).
scripts/fuzz.sh "${VIPKEEPER_FUZZ_SECONDS:-60}"
# The shipped artefact: a static release build packaged as a .deb, tested with the toolchain hidden.
scripts/package.sh .build-dist
scripts/test-package.sh .build-dist/vipkeeper_*_amd64.deb
# The unit under a real systemd (PID 1 of a PID namespace over a Debian 12 root).
scripts/test-systemd.sh .build-dist/vipkeeper_*_amd64.deb
