#!/usr/bin/env bash
# Sets up, builds and runs the server with the default plugin set. Extra arguments go to
# `lyrebird serve` (for example --config fixtures.yaml --port 8080).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
swift build -c release
exec .build/release/lyrebird serve "$@"
