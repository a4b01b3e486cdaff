#!/usr/bin/env bash
# Builds the API reference: a static DocC site for the Swift plugin API (LyrebirdPluginAPI) and
# the embedding API (LyrebirdHost), from their doc comments and the overview articles in
# docs/docc/. Output: .build/docs/ (git-ignored), one site per module and an index.html.
#
#   ./scripts/docs.sh            # build the sites, print where they went
#   DOCS_COVERAGE=1 ./scripts/docs.sh   # also print DocC's documentation coverage per module
#   DOCS_STRICT=1 ./scripts/docs.sh     # fail on any docc warning (a broken link, an unknown parameter)
#
# How: `swift build` (the ordinary debug build, so it reuses yours and leaves it valid),
# `swift symbolgraph-extract` on the two modules it wrote, then `docc convert`
# (in the toolchain; the swift-docc-plugin is not needed) on each module's graph and its catalog.
# (`swift package dump-symbol-graph` builds with other flags, so it and `swift build` rebuild
# each other's dependencies, and it fails on the test targets.) Exits nonzero when any step fails.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
out="$root/.build/docs"
staging="$root/.build/docs-staging"
modules=(LyrebirdPluginAPI LyrebirdHost)
started=$(date +%s)

docc=$(command -v docc || true)
if [[ -z "$docc" ]]; then
    docc=$(dirname "$(command -v swift)")/docc
fi
[[ -x "$docc" ]] || { echo "docs.sh: docc is not in PATH nor next to swift" >&2; exit 1; }

echo "docs.sh: swift build..."
log="$root/.build/docs-build.log"
mkdir -p "$root/.build"
# Exactly `swift build`, so it reuses yours and leaves it valid. (`--target LyrebirdHost` would
# resolve HummingbirdCore with other settings, and the two would rebuild it in turn.)
if ! swift build >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "docs.sh: the build failed (full log: $log)" >&2
    exit 1
fi
bin=$(swift build --show-bin-path)
triple=$(swift -print-target-info | sed -n 's/^ *"triple": "\(.*\)",*$/\1/p' | head -n 1)
[[ -n "$triple" ]] || { echo "docs.sh: cannot tell the target triple (swift -print-target-info)" >&2; exit 1; }
# The C modules the Swift modules import: those SwiftPM generated module maps for, those the
# dependencies ship, and the system libraries (CLua, CFFI) with their pkg-config flags.
clang_args=()
while IFS= read -r map; do
    clang_args+=(-Xcc "-fmodule-map-file=$map")
done < <(
    find "$bin" -maxdepth 2 -name module.modulemap
    find "$root/.build/checkouts" -path '*/include/module.modulemap' 2>/dev/null
    # A module map beside the sources, not in include/ (GRDB's GRDBSQLite wraps the system SQLite).
    find "$root/.build/checkouts" -path '*/Sources/*/module.modulemap' -not -path '*/include/*' 2>/dev/null
    find "$root/Sources" -maxdepth 2 -name module.modulemap
)
for flag in $(pkg-config --cflags-only-I lua5.4 libffi 2>/dev/null || echo -I/usr/include/lua5.4); do
    clang_args+=(-Xcc "$flag")
done
rm -rf "$out" "$staging"
mkdir -p "$out"
for module in "${modules[@]}"; do
    lower=$(echo "$module" | tr '[:upper:]' '[:lower:]')
    mkdir -p "$staging/$module"
    # The module's graph (and Module@Other.symbols.json for extensions of other modules' types),
    # from the module the build wrote; docc documents one module per run.
    if ! swift symbolgraph-extract -module-name "$module" -target "$triple" -I "$bin/Modules" "${clang_args[@]}" \
        -minimum-access-level public -skip-synthesized-members -output-dir "$staging/$module" \
        >"$staging/$module-symbols.log" 2>&1; then
        cat "$staging/$module-symbols.log" >&2
        echo "docs.sh: swift symbolgraph-extract failed for $module" >&2
        exit 1
    fi

    coverage=()
    if [[ "${DOCS_COVERAGE:-}" == 1 ]]; then
        coverage=(--experimental-documentation-coverage --coverage-summary-level brief)
    fi
    echo "docs.sh: docc convert $module..."
    if ! "$docc" convert "$root/docs/docc/$module.docc" \
        --additional-symbol-graph-dir "$staging/$module" \
        --fallback-display-name "$module" \
        --fallback-bundle-identifier "dev.lyrebird.$lower" \
        --transform-for-static-hosting \
        --hosting-base-path "$module" \
        "${coverage[@]}" \
        --output-path "$out/$module" >"$staging/$module.log" 2>&1; then
        cat "$staging/$module.log" >&2
        echo "docs.sh: docc convert failed for $module" >&2
        exit 1
    fi
    warnings=$(grep -c "warning:" "$staging/$module.log" || true)
    echo "docs.sh: $module: $warnings docc warnings (log: $staging/$module.log)"
    if [[ "$warnings" != 0 && "${DOCS_STRICT:-}" == 1 ]]; then
        grep "warning:" "$staging/$module.log" >&2
        echo "docs.sh: DOCS_STRICT=1 and $module has docc warnings" >&2
        exit 1
    fi
    if [[ "${DOCS_COVERAGE:-}" == 1 ]]; then
        sed -n '/Abstract/,$p' "$staging/$module.log"
    fi
    [[ -f "$out/$module/documentation/$lower/index.html" ]] || { echo "docs.sh: docc wrote no page for $module" >&2; exit 1; }
done

cat >"$out/index.html" <<'HTML'
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Lyrebird API reference</title></head>
<body>
<h1>Lyrebird API reference</h1>
<ul>
<li><a href="LyrebirdPluginAPI/documentation/lyrebirdpluginapi/">LyrebirdPluginAPI</a>: the Swift plugin API (providers, responders, the canonical model)</li>
<li><a href="LyrebirdHost/documentation/lyrebirdhost/">LyrebirdHost</a>: the embedding API (the host, fixtures, plugin loading, the journal)</li>
</ul>
<p>The C ABI is documented in Sources/PluginAPI/C/include/lyrebird_plugin.h; the guide is docs/plugins.md.</p>
</body>
</html>
HTML

echo "docs.sh: wrote $out in $(($(date +%s) - started)) s"
echo "docs.sh: DocC sites need a web server, for example:"
echo "  python3 -m http.server -d $out 8000   # then http://localhost:8000/"
