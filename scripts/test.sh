#!/usr/bin/env bash
# The test command of the README and of CI: installs what the tests need, then builds and
# runs every test once. Namespace tests need root; with CI=true they fail instead of skipping.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build --build-tests
swift test --skip-build --disable-xctest
