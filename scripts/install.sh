#!/usr/bin/env bash
# Builds a release and installs it under PREFIX (default /usr/local): the `lyrebird` command in
# PREFIX/bin, the default plugins in PREFIX/lib/lyrebird/plugins and the starter kits' templates
# (which `lyrebird plugins init` copies) in PREFIX/share/lyrebird/starter-kits, where that command
# looks for them, and the documentation in PREFIX/share/doc/lyrebird: the guides (docs/*.md) and the
# Swift API reference that scripts/docs.sh builds (reference/, a static site). Run
# ./scripts/setup.sh first on a fresh machine.
#
#   ./scripts/install.sh [PREFIX]
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="${1:-/usr/local}"
swift build -c release
bin="$(swift build -c release --show-bin-path)"
install -d "$prefix/bin" "$prefix/lib/lyrebird/plugins" "$prefix/share/lyrebird"
install -m 755 "$bin/lyrebird" "$prefix/bin/lyrebird"
for plugin in libLyrebirdAnthropic.so libLyrebirdGemini.so libLyrebirdOllama.so libLyrebirdBedrock.so; do
    install -m 644 "$bin/$plugin" "$prefix/lib/lyrebird/plugins/$plugin"
done
# Replaced whole, so that a file an older release had is not written into new packages; -L
# copies what the kits' links into common/ point to.
templates="$prefix/share/lyrebird/starter-kits"
rm -rf "$templates"
cp -RL Sources/lyrebird/StarterKit/Templates "$templates"
# The reference is built from the same sources, so an author with an installed lyrebird has the
# signatures of the plugin API it was built with.
./scripts/docs.sh >/dev/null
documentation="$prefix/share/doc/lyrebird"
rm -rf "$documentation"
install -d "$documentation"
cp docs/*.md README.md "$documentation/"
cp -R .build/docs "$documentation/reference"
echo "installed $prefix/bin/lyrebird, its default plugins in $prefix/lib/lyrebird/plugins, the starter kits in $templates"
echo "and the guides and the API reference in $documentation (python3 -m http.server -d $documentation/reference 8000)"
