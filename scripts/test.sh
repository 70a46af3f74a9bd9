#!/usr/bin/env bash
# The project's test command: builds and runs every test (Swift Testing) against live servers.
# Needs scripts/setup.sh to have run once (external programs and the Python venv).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
swift test --skip-build "$@"
