#!/usr/bin/env bash
# Builds the API reference: a static DocC site for the Swift plugin API (LyrebirdPluginAPI) and
# the embedding API (LyrebirdHost), from their doc comments and the overview articles in
# docs/docc/. Output: .build/docs/ (git-ignored), one site per module and an index.html.
#
#   ./scripts/docs.sh            # build the sites, print where they went
#   DOCS_COVERAGE=1 ./scripts/docs.sh   # also print DocC's documentation coverage per module
#
# How: `swift package dump-symbol-graph` builds the package as `swift build` does (so it reuses
# an existing debug build) and writes each module's symbol graph; `docc convert` (in the
# toolchain; the swift-docc-plugin is not needed) turns one module's graphs and its catalog into
# a site. Exits nonzero when any step fails.
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

echo "docs.sh: building symbol graphs (swift package dump-symbol-graph)..."
log="$root/.build/docs-symbol-graph.log"
mkdir -p "$root/.build"
# Old graphs must not stand in for new ones when a build fails.
find "$root/.build" -maxdepth 2 -type d -name symbolgraph -exec rm -rf {} +
status=0
swift package dump-symbol-graph --minimum-access-level public --skip-synthesized-members >"$log" 2>&1 || status=$?
# SwiftPM prints "Files written to <dir>"; fall back to the usual place.
graphs=$(sed -n 's/^.*[Ff]iles written to //p' "$log" | tail -n 1)
if [[ -z "$graphs" || ! -d "$graphs" ]]; then
    graphs=$(find "$root/.build" -maxdepth 2 -type d -name symbolgraph | head -n 1)
fi
# SwiftPM 6.3 also tries the test targets' generated modules, which it never builds here, and
# then exits 1; any other failure (a compile error) stops the script.
unexpected=$(grep -E "error:" "$log" | grep -vE "symbol graph for 'lyrebirdPackage(Discovered)?Tests'" || true)
if [[ -z "$graphs" || ! -d "$graphs" || -n "$unexpected" ]]; then
    tail -n 40 "$log" >&2
    echo "docs.sh: building symbol graphs failed (status $status; full log: $log)" >&2
    exit 1
fi

rm -rf "$out" "$staging"
mkdir -p "$out"
for module in "${modules[@]}"; do
    lower=$(echo "$module" | tr '[:upper:]' '[:lower:]')
    mkdir -p "$staging/$module"
    # The module's own graph and its extension graphs (Module@Other.symbols.json), nothing else:
    # docc documents one module per run.
    find "$graphs" -name "$module.symbols.json" -exec cp {} "$staging/$module/" \;
    find "$graphs" -name "$module@*.symbols.json" -exec cp {} "$staging/$module/" \;
    [[ -f "$staging/$module/$module.symbols.json" ]] || { echo "docs.sh: no symbol graph for $module in $graphs" >&2; exit 1; }

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
    if [[ "${DOCS_COVERAGE:-}" == 1 ]]; then
        sed -n '/Symbol Kind/,$p' "$staging/$module.log"
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
