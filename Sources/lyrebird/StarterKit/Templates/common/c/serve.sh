#!/bin/sh
# Sourced by test.sh: starts `lyrebird serve` with this plugin and fixtures.yaml on a free
# port, sets URL, and stops it on exit. `check NAME EXPECTED ACTUAL` fails unless ACTUAL
# contains EXPECTED.
set -eu
cd "$(dirname "$0")"
out=$(mktemp -d)
# Made before the server starts: the loop below may read them before its redirections run.
: >"$out/stdout"
: >"$out/stderr"
"${LYREBIRD:-lyrebird}" serve --port 0 --no-default-plugins --plugin "./libmy_plugin.so" --config fixtures.yaml \
    >"$out/stdout" 2>"$out/stderr" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$out"' EXIT
URL=""
for _ in $(seq 100); do
    URL=$(sed -n 's/^listening on //p' "$out/stdout")
    [ -n "$URL" ] && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.1
done
if [ -z "$URL" ]; then
    echo "lyrebird serve did not start:" >&2
    cat "$out/stderr" >&2
    exit 1
fi
checks=0
check() {
    case "$3" in
    *"$2"*) checks=$((checks + 1)); echo "ok: $1" ;;
    *) echo "FAIL: $1: expected $2 in: $3" >&2; exit 1 ;;
    esac
}
