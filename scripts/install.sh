#!/usr/bin/env bash
# Builds a release and installs it under PREFIX (default /usr/local): the `lyrebird` command in
# PREFIX/bin, and the default plugins in PREFIX/lib/lyrebird/plugins, where that command looks
# for them. Run ./scripts/setup.sh first on a fresh machine.
#
#   ./scripts/install.sh [PREFIX]
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="${1:-/usr/local}"
swift build -c release
bin="$(swift build -c release --show-bin-path)"
install -d "$prefix/bin" "$prefix/lib/lyrebird/plugins"
install -m 755 "$bin/lyrebird" "$prefix/bin/lyrebird"
for plugin in libLyrebirdAnthropic.so libLyrebirdGemini.so libLyrebirdOllama.so libLyrebirdBedrock.so; do
    install -m 644 "$bin/$plugin" "$prefix/lib/lyrebird/plugins/$plugin"
done
echo "installed $prefix/bin/lyrebird and its default plugins in $prefix/lib/lyrebird/plugins"
