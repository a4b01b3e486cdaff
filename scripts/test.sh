#!/usr/bin/env bash
# Sets up, builds and runs every test: the Swift tests, the conformance suite that drives the
# real `lyrebird` binary with the official Python SDKs (after checking that the API reference
# builds), then every libFuzzer target briefly
# (FUZZ_SECONDS each, default 5; FUZZ_SECONDS=0 skips them).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
swift format lint --strict --recursive Sources Tests $([ -d Plugins ] && echo Plugins) Fuzz
swift build
swift test
DOCS_STRICT=1 ./scripts/docs.sh >/dev/null
LYREBIRD_BIN="$(swift build --show-bin-path)/lyrebird" python3 -m pytest -q Tests/conformance
if [ "${FUZZ_SECONDS:-5}" != 0 ]; then
    FUZZ_SECONDS="${FUZZ_SECONDS:-5}" ./scripts/fuzz.sh
fi
