#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ with the fuzzer and address sanitizers, then runs every
# target (or the one named) for FUZZ_SECONDS seconds each (default 60), or for FUZZ_RUNS inputs
# each when that is set, printing libFuzzer's own output. Exits nonzero when any target finds a
# crash, a leak, a timeout or runs out of memory; what it found is kept in Fuzz/.build/fuzz/.
#
#   scripts/fuzz.sh                        every target, 60 s each
#   FUZZ_SECONDS=600 scripts/fuzz.sh fuzz-json
#   FUZZ_RUNS=1000000 scripts/fuzz.sh fuzz-host
#   FUZZ_RUNS=1000000 FUZZ_SECONDS=600 scripts/fuzz.sh fuzz-host     # whichever comes first
#   FUZZ_BUILD=release FUZZ_RUNS=1000000 scripts/fuzz.sh               # optimised: for long runs
#
# New corpus entries go to Fuzz/.build/fuzz/<target>/corpus (libFuzzer writes to the first
# folder it is given); the checked-in seeds in Fuzz/Corpus/<target> are only read.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-60}"
configuration="${FUZZ_BUILD:-debug}"
[[ "$configuration" == debug || "$configuration" == release ]] || { echo "fuzz.sh: FUZZ_BUILD is debug or release, not $configuration" >&2; exit 2; }
runs="${FUZZ_RUNS:-}"
targets=()
for source in Fuzz/Sources/fuzz-*/; do targets+=("$(basename "$source")"); done
if [ $# -gt 0 ]; then
    [[ " ${targets[*]} " == *" $1 "* ]] || { echo "fuzz.sh: no target $1 (targets: ${targets[*]})" >&2; exit 2; }
    targets=("$1")
fi

# The gold linker crashes on sanitized Swift links; the toolchain ships lld next to swift.
if ! command -v ld.lld >/dev/null && [ ! -x "$(dirname "$(readlink -f "$(command -v swift)")")/ld.lld" ]; then
    echo "fuzz.sh: ld.lld not found (it comes with the Swift toolchain, next to swift)" >&2
    exit 2
fi

# Its own build folder (Fuzz/.build): the sanitizers instrument every target they build, Swift
# and C. Not `--sanitize=fuzzer`: with it SwiftPM compiles executables as libraries, without
# the top-level code that hands the command line to libFuzzer. A debug build is ready in a few
# minutes from nothing, so CI's short runs use it; an optimised build takes about 8 minutes more
# and then runs three to four times as many inputs a second (preconditions stay checked at -O).
# Testability stays on in both configurations: some targets compare the host's internal readers
# with a reference (`@testable import`).
build=(swift build -c "$configuration" --package-path Fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld
    -Xswiftc -enable-testing -Xcc -fsanitize=fuzzer-no-link,address)
echo "fuzz.sh: building the fuzz targets with the fuzzer and address sanitizers"
# SwiftPM lists a path dependency's files when it plans the fuzz package, and plans it again
# only when a manifest changes: a file added to the project since the last build here would be
# left out. A changed list of files touches the manifest, so the package is planned anew.
listing="$(find Sources Plugins -type f | sort | cksum)"
if [ "$(cat Fuzz/.build/source-files 2>/dev/null)" != "$listing" ]; then touch Fuzz/Package.swift; fi
# Product by product: a plain `swift build` would also link the project's own executable,
# which has no LLVMFuzzerTestOneInput. The provider plugins are built sanitized too, for the
# targets that load them as the server does.
for product in "${targets[@]}" LyrebirdAnthropic LyrebirdGemini LyrebirdOllama LyrebirdBedrock; do
    "${build[@]}" --product "$product"
done
bin="$("${build[@]}" --show-bin-path)"
echo "$listing" >Fuzz/.build/source-files

# Longest input per target: request bodies up to 64 KiB, scripts and configurations shorter,
# patterns and subjects shorter still (each input also runs in liblua, whose matcher nothing stops;
# a regular expression's text is also repeated into a long one).
# fuzz-match's fixtures and request fit in 4 KiB; its reference tries every offset and pairing.
max_len() {
    case "$1" in
        fuzz-config) echo 16384 ;;
        fuzz-lua-reply) echo 8192 ;;
        fuzz-admin-access) echo 512 ;;
        fuzz-websocket-frames) echo 16384 ;;
        fuzz-lua-patterns) echo 512 ;;
        fuzz-regex) echo 4096 ;;
        fuzz-match) echo 4096 ;;
        *) echo 65536 ;;
    esac
}
# libFuzzer checks for leaks after every input that allocated more than it freed. Targets that
# run a whole host always do (the journal, script states, tasks finishing after the reply), and
# the scan of the heap would then take most of the time; they are checked for leaks once at exit,
# and for growth by -rss_limit_mb. The configuration decoder's Lua and YAML caches do the same, as
# do the targets that await a provider's own answer (a task per input) or keep responses.
# fuzz-match decodes fixtures too, but without Lua; checked after each input it runs as fast.
per_input_leaks() {
    case "$1" in
        fuzz-host | fuzz-lua-request | fuzz-lua-reply | fuzz-config) echo 0 ;;
        fuzz-responses-decode | fuzz-gemini-decode | fuzz-ollama-decode) echo 0 ;;
        *) echo 1 ;;
    esac
}
dictionary() {
    case "$1" in
        fuzz-config) echo Fuzz/Dictionaries/yaml.dict ;;
        fuzz-admin-access) echo Fuzz/Dictionaries/hosts.dict ;;
        fuzz-websocket-frames) echo Fuzz/Dictionaries/websocket.dict ;;
        fuzz-lua-reply) echo Fuzz/Dictionaries/lua.dict ;;
        fuzz-lua-patterns) echo Fuzz/Dictionaries/patterns.dict ;;
        fuzz-regex) echo Fuzz/Dictionaries/regex.dict ;;
        fuzz-match) echo Fuzz/Dictionaries/match.dict ;;
        fuzz-faults) echo Fuzz/Dictionaries/faults.dict ;;
        fuzz-responses-decode | fuzz-embeddings-decode | fuzz-completions-decode | fuzz-gemini-decode | fuzz-ollama-decode | fuzz-bedrock-decode)
            name="${1#fuzz-}"
            echo "Fuzz/Dictionaries/${name%-decode}.dict"
            ;;
        *) echo Fuzz/Dictionaries/json.dict ;;
    esac
}

# Swift's own crash backtracer would take over the signals libFuzzer and the address sanitizer
# report through, and take minutes to print each crash.
export SWIFT_BACKTRACE=enable=no
export LSAN_OPTIONS="suppressions=$PWD/Fuzz/lsan.supp:print_suppressions=0"

failed=()
summary=()
for target in "${targets[@]}"; do
    work="Fuzz/.build/fuzz/$target"
    mkdir -p "$work/corpus" "$work/artifacts"
    limit=(-max_total_time="$seconds")
    # FUZZ_RUNS alone: that many inputs however long they take; with FUZZ_SECONDS too, whichever
    # comes first.
    if [ -n "$runs" ]; then
        limit=(-runs="$runs")
        [ -n "${FUZZ_SECONDS:-}" ] && limit+=(-max_total_time="$seconds")
    fi
    echo "fuzz.sh: $target (${limit[*]//-/})"
    status=0
    "$bin/$target" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 -max_len="$(max_len "$target")" \
        -dict="$(dictionary "$target")" -detect_leaks="$(per_input_leaks "$target")" -artifact_prefix="$work/artifacts/" -print_final_stats=1 \
        "$work/corpus" "Fuzz/Corpus/$target" 2>&1 | tee "$work/log" || status=$?
    done_line="$(grep -E '^Done [0-9]+ runs' "$work/log" | tail -1 || true)"
    if [ "$status" -ne 0 ]; then
        failed+=("$target")
        summary+=("$target: FAILED (exit $status); input and log in $work/")
    else
        summary+=("$target: ${done_line:-no Done line}")
    fi
done

echo
printf 'fuzz.sh: %s\n' "${summary[@]}"
if [ "${#failed[@]}" -gt 0 ]; then
    echo "fuzz.sh: ${#failed[@]} of ${#targets[@]} targets failed: ${failed[*]}" >&2
    exit 1
fi
