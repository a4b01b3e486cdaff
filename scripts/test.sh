#!/usr/bin/env bash
# Sets up, builds and runs every test: the Swift tests, then the conformance suite that drives
# the real `lyrebird` binary with the official Python SDKs.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
swift format lint --strict --recursive Sources Tests $([ -d Plugins ] && echo Plugins)
swift build
swift test
LYREBIRD_BIN="$(swift build --show-bin-path)/lyrebird" python3 -m pytest -q Tests/conformance
