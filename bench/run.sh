#!/usr/bin/env bash
# Lyrebird's benchmark suite: builds release binaries, starts nginx, a bare Hummingbird server and
# Lyrebird by PID on fixed ports, checks they answer the same bytes, runs wrk against each in
# interleaved rounds, runs the paced-stream client, and prints a table of figures with their
# ratios to the baselines and targets. The same table goes to bench/results/latest.json (and
# latest.txt). Loopback only; every server it started is stopped on exit. See bench/README.md.
#
# Settings (environment):
#   BENCH_SECONDS=10        seconds per wrk run
#   BENCH_ROUNDS=3          interleaved rounds; each figure is the median over rounds
#   BENCH_CONNECTIONS=32    wrk connections (BENCH_THREADS=2 wrk threads)
#   BENCH_WARMUP=2          seconds of wrk against each server before the rounds
#   BENCH_PACED="1000 10000"  concurrent stream counts for the paced test ("" skips it)
#   BENCH_MATCH_SECONDS=5   seconds per wrk run of the matching section (0 skips it)
#   BENCH_MATCH_COUNTS="100 10000"  fixture counts the matching section serves, each kind
#   BENCH_PORT=28700        first of sixteen consecutive ports (nginx, bare, Lyrebird, paced Lyrebird,
#                           matching, Lyrebird on an SQLite file store, Lyrebird on PostgreSQL,
#                           Lyrebird with quotas, two Lyrebird hosts with quotas on PostgreSQL,
#                           Lyrebird with metrics off, Lyrebird with traces on, its OTLP sink,
#                           Lyrebird sending a tenth of its spans, Lyrebird with fault rules,
#                           Lyrebird with the dashboard's live journal open)
#   BENCH_POSTGRES_URL=     a PostgreSQL database for the store rows (postgres://user:pw@host/db);
#                           those rows are skipped without one
#   BENCH_OUTPUT=bench/results/latest.json
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

seconds=${BENCH_SECONDS:-10}
rounds=${BENCH_ROUNDS:-3}
connections=${BENCH_CONNECTIONS:-32}
threads=${BENCH_THREADS:-2}
warmup=${BENCH_WARMUP:-2}
paced_counts=${BENCH_PACED-1000 10000}
match_seconds=${BENCH_MATCH_SECONDS:-5}
match_counts=${BENCH_MATCH_COUNTS:-100 10000}
port_base=${BENCH_PORT:-28700}
postgres_url=${BENCH_POSTGRES_URL:-}
output=${BENCH_OUTPUT:-bench/results/latest.json}

nginx_port=$port_base
bare_port=$((port_base + 1))
lyrebird_port=$((port_base + 2))
paced_port=$((port_base + 3))
sqlite_port=$((port_base + 5))
postgres_port=$((port_base + 6))
quotas_port=$((port_base + 7))
fleet_quotas_port=$((port_base + 8))
fleet_other_port=$((port_base + 9))
metrics_off_port=$((port_base + 10))
traces_port=$((port_base + 11))
otlp_sink_port=$((port_base + 12))
traces_sampled_port=$((port_base + 13))
faults_port=$((port_base + 14))
dashboard_port=$((port_base + 15))

# The paced fixture: every streamed piece is "abc abc abc abc " (16 characters, the default
# stream_chunk_characters, cut at a word boundary) and costs 4 tokens, so piece k is due at
# first_token_ms + k * 4 / tokens_per_second.
paced_first_token_ms=500
paced_tokens_per_second=40
paced_tokens_per_event=4
paced_events=30

log() { printf '%s\n' "$*" >&2; }
die() { log "bench: $*"; exit 1; }

# --- Tools and builds -------------------------------------------------------------------------

missing=()
command -v nginx >/dev/null || missing+=(nginx-light)
for package in wrk curl gcc liblua5.4-dev libffi-dev libyaml-dev pkg-config; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    log "installing ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The paced test holds one descriptor per stream in the client and one in the server.
max_streams=0
for count in $paced_counts; do [ "$count" -gt "$max_streams" ] && max_streams=$count; done
needed_files=$((max_streams + 4096))
if [ "$(ulimit -n)" -lt "$needed_files" ]; then
    ulimit -Hn "$needed_files" 2>/dev/null || true
    ulimit -n "$needed_files" 2>/dev/null || die "cannot raise the file-descriptor limit to $needed_files (hard limit $(ulimit -Hn))"
fi

log "building (release)"
swift build -c release >&2
bin=$(swift build -c release --show-bin-path)
lyrebird=$bin/lyrebird
swift build -c release --package-path bench/bare-hummingbird >&2
bare=$(swift build -c release --package-path bench/bare-hummingbird --show-bin-path)/BareHummingbird
build=$root/.build-bench
mkdir -p "$build"
gcc -O2 -Wall -Wextra -o "$build/paced_client" bench/paced/paced_client.c
gcc -O2 -Wall -Wextra -shared -fPIC -I Sources/PluginAPI/C/include -o "$build/libBenchText.so" bench/plugin/bench_text.c

# --- Servers ----------------------------------------------------------------------------------

work=$(mktemp -d /tmp/lyrebird-bench.XXXXXX)
pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$nginx_port" "$bare_port" "$lyrebird_port" "$paced_port"; do
    port_free "$port" || die "port $port is in use; set BENCH_PORT to the first of four free ports"
done

# Waits until something answers HTTP on a port (any status), for at most 10 s.
wait_http() { # PORT PID [LOG_FILE]
    local port=$1 pid=$2
    for _ in $(seq 200); do
        kill -0 "$pid" 2>/dev/null || die "the server on port $port exited: $(cat "${3:-/dev/null}")"
        curl -s -o /dev/null "http://127.0.0.1:$port/" && return 0
        sleep 0.05
    done
    die "nothing answers on port $port"
}

# The reply every server gives: about 100 tokens, no quote, backslash or dollar sign (it goes
# into nginx's configuration as a literal).
reply_text="The east-7 outage began at 09:12 when a config push raised the load balancer limit past what the database pool could take. Requests queued, latency rose to four seconds, and 3 percent of checkouts failed for 26 minutes. The change was rolled back at 09:38. Follow-ups: check pool size in the config pipeline, alert on queue depth, and rehearse the rollback."

# A realistic chat request (system prompt and a few turns, about 1 KB); its last user message
# names the cluster, which selects the fixture.
chat_request() { # CLUSTER [EXTRA_MEMBERS]
    printf '{"model":"gpt-4o-mini","temperature":0.2,"max_tokens":300,%s"messages":[' "${2:-}"
    printf '{"role":"system","content":"You are the on-call assistant of an infrastructure team. Answer concisely, in plain prose, and end with the follow-up actions. Do not invent facts that are not in the incident notes."},'
    printf '{"role":"user","content":"We had a few incidents this week. Can you help me write the summaries for the weekly review?"},'
    printf '{"role":"assistant","content":"Of course. Paste the notes for each incident, or tell me which cluster it happened on and I will summarize it from the timeline."},'
    printf '{"role":"user","content":"Start with the checkout outage. A config push raised the load balancer connection limit, the database pool saturated, and we rolled back after 26 minutes."},'
    printf '{"role":"assistant","content":"Got it. Which cluster was that on, and do you want the customer impact figures included?"},'
    printf '{"role":"user","content":"Yes, include the impact. Please summarize the incident report for cluster %s and list the follow-ups."}]}' "$1"
}
chat_request east-7 >"$work/chat.json"
chat_request east-7 '"stream":true,' >"$work/stream.json"
chat_request lua-7 >"$work/lua.json"
chat_request plugin-7 >"$work/plugin.json"
# The same conversation for a cluster no fixture names, forcing a tool: the reply is a generated call.
chat_request east-9 '"tools":[{"type":"function","function":{"name":"file_summary","parameters":{"type":"object","properties":{"summary":{"type":"string"},"follow_ups":{"type":"array","items":{"type":"string"}}},"required":["summary","follow_ups"]}}}],"tool_choice":"required",' >"$work/forced.json"
# The chat conversation in the Anthropic, Gemini and Bedrock Converse dialects (the default
# plugins), each asking for the static fixture's reply.
python3 - "$work" <<'PYTHON'
import json, sys
work = sys.argv[1]
chat = json.load(open(f"{work}/chat.json"))
system = chat["messages"][0]["content"]
turns = chat["messages"][1:]
bodies = {
    "anthropic": {"model": chat["model"], "max_tokens": 300, "system": system,
                  "messages": [{"role": t["role"], "content": t["content"]} for t in turns]},
    "gemini": {"systemInstruction": {"parts": [{"text": system}]},
               "contents": [{"role": "model" if t["role"] == "assistant" else "user", "parts": [{"text": t["content"]}]} for t in turns]},
    "bedrock": {"system": [{"text": system}], "messages": [{"role": t["role"], "content": [{"text": t["content"]}]} for t in turns]},
}
for name, body in bodies.items():
    json.dump(body, open(f"{work}/{name}.json", "w"), separators=(",", ":"))
PYTHON

# 100 fixtures, all for the request's model and each on a phrase of the last user message: 97
# near misses ("cluster 1" .. "cluster 97"), the Lua and C responders, and last the static reply
# the chat request matches. stream_chunk_characters 2 streams pieces of 2 to 4 characters, about
# one token each, as a model streams.
{
    printf 'settings:\n  stream_chunk_characters: 2\n'
    printf 'plugins:\n  - %s\n' "$build/libBenchText.so"
    printf 'fixtures:\n'
    for i in $(seq 97); do
        printf '  - name: miss-%d\n    match: {model: gpt-4o-mini, user: {contains: "incident report for cluster %d "}}\n' "$i" "$i"
        printf '    reply: {content: "near miss %d"}\n' "$i"
    done
    printf '  - name: lua\n    match: {model: gpt-4o-mini, user: {contains: "incident report for cluster lua-7"}}\n'
    printf '    reply:\n      lua_inline: |\n        function respond(req)\n          return "%s"\n        end\n' "$reply_text"
    printf '  - name: plugin\n    match: {model: gpt-4o-mini, user: {contains: "incident report for cluster plugin-7"}}\n'
    printf '    reply: {responder: bench_text, params: {text: "%s"}}\n' "$reply_text"
    printf '  - name: static\n    match: {model: gpt-4o-mini, user: {contains: "incident report for cluster east-7"}}\n'
    printf '    reply: {content: "%s"}\n' "$reply_text"
} >"$work/bench.yaml"
"$lyrebird" validate "$work/bench.yaml" >&2

# Starts a Lyrebird host in the background, logging to lyrebird-NAME.log, and waits until it answers.
start_lyrebird() { # NAME PORT CONFIG [SERVE_OPTIONS...]
    local name=$1 port=$2 config=$3
    shift 3
    log "starting Lyrebird ($name) on $port"
    "$lyrebird" serve --config "$config" --port "$port" "$@" >"$work/lyrebird-$name.log" 2>&1 &
    pids+=($!)
    wait_http "$port" "$!" "$work/lyrebird-$name.log"
}

start_lyrebird main "$lyrebird_port" "$work/bench.yaml"

# The same fixtures with the state in an SQLite file, and in PostgreSQL when there is one: what
# the store costs a static fixture (the journal and hit counts written in batches).
start_lyrebird sqlite "$sqlite_port" "$work/bench.yaml" --store "$work/state.db"
# Quotas on: every request carries a key whose plan limits it (too high to be reached), so each
# is checked, counted and answered with rate-limit headers; against the same fixtures without.
sed 's/^settings:$/settings:\n  auth: keys\n  plans: {bench: {requests_per_month: 2000000000, requests_per_minute: 2000000000, tokens_per_minute: 2000000000}}\n  keys: [{key: sk-bench, plan: bench}]/' \
    "$work/bench.yaml" >"$work/bench-quotas.yaml"
"$lyrebird" validate "$work/bench-quotas.yaml" >&2
start_lyrebird quotas "$quotas_port" "$work/bench-quotas.yaml"
# Metrics are on by default; the same fixtures with them off are the baseline of what they cost.
sed 's/^settings:$/settings:\n  metrics: false/' "$work/bench.yaml" >"$work/bench-metrics-off.yaml"
start_lyrebird metrics-off "$metrics_off_port" "$work/bench-metrics-off.yaml"
# Traces on: every span goes over OTLP/HTTP to a sink that takes each export and counts it.
log "starting an OTLP/HTTP sink on $otlp_sink_port"
python3 - "$otlp_sink_port" "$work/otlp-sink.count" <<'SINK' &
import http.server, sys
port, count_file = int(sys.argv[1]), sys.argv[2]
received = [0, 0]
class Sink(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        received[0] += 1
        received[1] += len(self.rfile.read(int(self.headers["content-length"])))
        open(count_file, "w").write(f"{received[0]} exports, {received[1]} bytes")
        self.send_response(200)
        self.send_header("content-type", "application/x-protobuf")
        self.send_header("content-length", "0")
        self.end_headers()
    def do_GET(self):
        self.send_response(404)
        self.send_header("content-length", "0")
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", port), Sink).serve_forever()
SINK
pids+=($!)
wait_http "$otlp_sink_port" "$!"
sed "s|^settings:\$|settings:\n  traces: {endpoint: \"http://127.0.0.1:$otlp_sink_port\"}|" "$work/bench.yaml" >"$work/bench-traces.yaml"
"$lyrebird" validate "$work/bench-traces.yaml" >&2
start_lyrebird traces "$traces_port" "$work/bench-traces.yaml"
sed "s|^settings:\$|settings:\n  traces: {endpoint: \"http://127.0.0.1:$otlp_sink_port\", sample_ratio: 0.1}|" "$work/bench.yaml" >"$work/bench-traces-sampled.yaml"
start_lyrebird traces-sampled "$traces_sampled_port" "$work/bench-traces-sampled.yaml"
# The fault stage at work on every request: a seeded rule drawn for each (at rate 0, so it never
# fires and the load generator counts no errors), and one for another model, skipped.
{
    printf 'seed: 42\nfaults:\n  - {kind: error, status: 503, rate: 0}\n  - {kind: malformed_json, model: "no-such-model", rate: 0.5}\n'
    cat "$work/bench.yaml"
} >"$work/bench-faults.yaml"
"$lyrebird" validate "$work/bench-faults.yaml" >&2
start_lyrebird faults "$faults_port" "$work/bench-faults.yaml"
# A dashboard open on the host: its live journal, read for the whole run, as a browser reads it.
start_lyrebird dashboard "$dashboard_port" "$work/bench.yaml"
curl -sN "http://127.0.0.1:$dashboard_port/_lyrebird/journal/stream" >"$work/journal-stream.txt" &
pids+=($!)
if [ -n "$postgres_url" ]; then
    # Two hosts of a fleet count into the same counters; the load goes to one of them.
    for port in $fleet_quotas_port $fleet_other_port; do
        start_lyrebird "fleet-$port" "$port" "$work/bench-quotas.yaml" --store "$postgres_url"
    done
    start_lyrebird postgres "$postgres_port" "$work/bench.yaml" --store "$postgres_url"
fi

# Lyrebird's own answer is the reference that nginx and the bare server send back verbatim.
post() { # PORT PATH BODY_FILE OUT_FILE: prints the status; the body goes to OUT_FILE
    curl -s -o "$4" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "@$3" "http://127.0.0.1:$1$2" || true
}
status=$(post "$lyrebird_port" /v1/chat/completions "$work/chat.json" "$work/reply.json")
[ "$status" = 200 ] || die "Lyrebird answered $status: $(cat "$work/reply.json")"
if grep -q "[\\\\\$']" "$work/reply.json"; then die "the reply holds a character nginx's return would mangle"; fi

cat >"$work/nginx.conf" <<EOF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000000;
    client_body_temp_path $work/nginx-body;
    default_type application/json;
    server {
        listen 127.0.0.1:$nginx_port;
        location = /v1/chat/completions { return 200 '$(cat "$work/reply.json")'; }
    }
}
EOF
log "starting nginx on $nginx_port"
nginx -e "$work/nginx-error.log" -c "$work/nginx.conf" -g 'daemon off;' &
pids+=($!)
wait_http "$nginx_port" "$!"

log "starting the bare Hummingbird server on $bare_port"
"$bare" "$bare_port" "$work/reply.json" &
pids+=($!)
wait_http "$bare_port" "$!"

# --- The servers answer alike -----------------------------------------------------------------

# Ids and timestamps differ between Lyrebird replies; everything else must not.
masked() { sed -E 's/"id":"[^"]*"/"id":"*"/g; s/"created":[0-9]+/"created":0/g' "$1"; }
content_of() { grep -o '"content":"[^"]*"' "$1" | sed -E 's/^"content":"(.*)"$/\1/' | tr -d '\n'; }

for server in nginx:$nginx_port bare:$bare_port; do
    status=$(post "${server#*:}" /v1/chat/completions "$work/chat.json" "$work/check.json")
    if [ "$status" != 200 ] || ! cmp -s "$work/reply.json" "$work/check.json"; then
        die "${server%%:*} does not answer Lyrebird's bytes (status $status)"
    fi
    curl -s -o /dev/null -w '%{content_type}' --data-binary "@$work/chat.json" "http://127.0.0.1:${server#*:}/v1/chat/completions" |
        grep -q '^application/json' || die "${server%%:*} does not answer application/json"
done
post "$lyrebird_port" /v1/chat/completions "$work/chat.json" "$work/check.json" >/dev/null
[ "$(masked "$work/check.json")" = "$(masked "$work/reply.json")" ] || die "Lyrebird's replies differ beyond ids"
[ "$(content_of "$work/reply.json")" = "$reply_text" ] || die "the static fixture did not answer: $(cat "$work/reply.json")"
for responder in lua plugin; do
    status=$(post "$lyrebird_port" /v1/chat/completions "$work/$responder.json" "$work/check.json")
    if [ "$status" != 200 ] || [ "$(content_of "$work/check.json")" != "$reply_text" ]; then
        die "the $responder responder does not answer the same text: $(cat "$work/check.json")"
    fi
done
post "$lyrebird_port" /v1/chat/completions "$work/stream.json" "$work/stream.txt" >/dev/null
if [ "$(content_of "$work/stream.txt")" != "$reply_text" ] || [ "$(tail -n 2 "$work/stream.txt" | head -n 1)" != "data: [DONE]" ]; then
    die "the streamed reply is not the same text ending in [DONE]: $(head -c 600 "$work/stream.txt")"
fi
for dialect in "anthropic /v1/messages" "gemini /v1beta/models/gpt-4o-mini:generateContent" "bedrock /model/gpt-4o-mini/converse"; do
    read -r name path <<<"$dialect"
    status=$(post "$lyrebird_port" "$path" "$work/$name.json" "$work/check.json")
    if [ "$status" != 200 ] || ! grep -qF "$reply_text" "$work/check.json"; then
        die "the $name plugin does not answer the same text (status $status): $(head -c 600 "$work/check.json")"
    fi
done
status=$(post "$lyrebird_port" /v1/chat/completions "$work/forced.json" "$work/check.json")
if [ "$status" != 200 ] || ! grep -q '"finish_reason":"tool_calls"' "$work/check.json"; then
    die "the forced tool choice did not get a call (status $status): $(head -c 600 "$work/check.json")"
fi
stream_events=$(grep -c '"content":"[^"]' "$work/stream.txt")
completion_tokens=$(grep -o '"completion_tokens":[0-9]*' "$work/reply.json" | cut -d: -f2)
log "all servers answer alike: $(wc -c <"$work/reply.json") bytes, $completion_tokens tokens, $stream_events stream events"

# --- Throughput rounds ------------------------------------------------------------------------

# One wrk case: NAME PORT PATH BODY_FILE CONNECTIONS THREADS.
cases=(
    "nginx $nginx_port /v1/chat/completions chat.json $connections $threads"
    "bare $bare_port /v1/chat/completions chat.json $connections $threads"
    "chat $lyrebird_port /v1/chat/completions chat.json $connections $threads"
    "stream $lyrebird_port /v1/chat/completions stream.json $connections $threads"
    "lua $lyrebird_port /v1/chat/completions lua.json $connections $threads"
    "plugin $lyrebird_port /v1/chat/completions plugin.json $connections $threads"
    "stream1 $lyrebird_port /v1/chat/completions stream.json 1 1"
    "bare1 $bare_port /v1/chat/completions chat.json 1 1"
    "chat-sqlite $sqlite_port /v1/chat/completions chat.json $connections $threads"
    "forced $lyrebird_port /v1/chat/completions forced.json $connections $threads"
    "anthropic $lyrebird_port /v1/messages anthropic.json $connections $threads"
    "gemini $lyrebird_port /v1beta/models/gpt-4o-mini:generateContent gemini.json $connections $threads"
    "bedrock $lyrebird_port /model/gpt-4o-mini/converse bedrock.json $connections $threads"
)
cases+=("chat-quotas $quotas_port /v1/chat/completions chat.json $connections $threads sk-bench")
cases+=("chat-metrics-off $metrics_off_port /v1/chat/completions chat.json $connections $threads")
cases+=("chat-traces $traces_port /v1/chat/completions chat.json $connections $threads")
cases+=("chat-traces-sampled $traces_sampled_port /v1/chat/completions chat.json $connections $threads")
cases+=("chat-faults $faults_port /v1/chat/completions chat.json $connections $threads")
cases+=("chat-dashboard $dashboard_port /v1/chat/completions chat.json $connections $threads")
if [ -n "$postgres_url" ]; then
    cases+=("chat-postgres $postgres_port /v1/chat/completions chat.json $connections $threads")
    cases+=("chat-fleet-quotas $fleet_quotas_port /v1/chat/completions chat.json $connections $threads sk-bench")
fi

# Endpoints Lyrebird will serve later (Responses SSE, embeddings): each case is measured when its
# endpoint answers something other than 404, and reported as skipped until then.
printf '{"model":"gpt-4o-mini","stream":true,"instructions":"You are the on-call assistant.","input":"Please summarize the incident report for cluster east-7 and list the follow-ups."}' >"$work/responses.json"
printf '{"model":"text-embedding-3-small","input":"Please summarize the incident report for cluster east-7 and list the follow-ups."}' >"$work/embeddings.json"
skipped=()
for later in "responses /v1/responses responses.json" "embeddings /v1/embeddings embeddings.json"; do
    read -r name path body <<<"$later"
    status=$(post "$lyrebird_port" "$path" "$work/$body" "$work/check.json")
    if [ "$status" = 404 ]; then
        skipped+=("$name")
    else
        [ "$status" = 200 ] || die "$path answered $status: $(head -c 600 "$work/check.json")"
        cases+=("$name $lyrebird_port $path $body $connections $threads")
    fi
done

raw=$work/raw.tsv
: >"$raw"
# Other work on the machine skews every figure; the load before the rounds goes into the JSON.
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
run_wrk() { # SECONDS CASE: prints wrk's RESULT line
    local name port path body case_connections case_threads key
    read -r name port path body case_connections case_threads key <<<"$2"
    BENCH_API_KEY=$key BENCH_BODY_FILE=$work/$body BENCH_PATH=$path wrk -t "$case_threads" -c "$case_connections" -d "${1}s" \
        -s bench/wrk/post.lua "http://127.0.0.1:$port" | grep '^RESULT '
}
if [ "$warmup" -gt 0 ]; then
    log "warming up (${warmup}s each)"
    for case in "${cases[@]}"; do run_wrk "$warmup" "$case" >/dev/null; done
fi
for round in $(seq "$rounds"); do
    for case in "${cases[@]}"; do
        name=${case%% *}
        result=$(run_wrk "$seconds" "$case")
        log "round $round $name: ${result#RESULT }"
        for field in rps p99_ms mean_ms errors; do
            value=$(sed -E "s/.* $field=([^ ]+).*/\\1/" <<<"$result")
            printf '%s.%s\t%s\n' "$name" "$field" "$value" >>"$raw"
        done
    done
done
# The traced host's spans left while it answered: the sink says how many batches arrived.
sleep 2
log "the OTLP sink received $(cat "$work/otlp-sink.count" 2>/dev/null || echo "nothing")"
log "the live journal sent $(grep -c '^data: ' "$work/journal-stream.txt" || true) events to its reader"

# --- Start-up and idle memory -----------------------------------------------------------------

# Time from spawning `lyrebird serve --port 0` to the answer of its first request (the port comes
# from its "listening on" line), measured with bash builtins only so no fork is counted twice;
# then its resident set after a second idle.
measure_startup() { # [CONFIG KEY]
    local start line="" port fd answer end pid config=${1:-$work/bench.yaml} key=${2:-startup}
    start=$EPOCHREALTIME
    coproc STARTUP { exec "$lyrebird" serve --port 0 --config "$config" 2>>"$work/startup.log"; }
    pid=$STARTUP_PID
    pids+=("$pid")
    while [[ $line != "listening on "* ]]; do
        read -r line <&"${STARTUP[0]}" || die "lyrebird did not start: $(cat "$work/startup.log")"
    done
    port=${line##*:}
    until exec {fd}<>"/dev/tcp/127.0.0.1/$port"; do :; done 2>/dev/null
    printf 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&"$fd"
    read -r answer <&"$fd"
    end=$EPOCHREALTIME
    exec {fd}>&-
    [[ $answer == "HTTP/1.1 200"* ]] || die "first request answered: $answer"
    sleep 1
    printf '%s.ms\t%s\n' "$key" "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", (b - a) * 1000 }')" >>"$raw"
    printf '%s.rss_mb\t%s\n' "$key" "$(awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status")" >>"$raw"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
}
log "measuring start-up ($rounds times)"
for _ in $(seq "$rounds"); do measure_startup; done

# --- Matching ---------------------------------------------------------------------------------

# For each kind of condition (contains, regex, glob) and each count: COUNT fixtures on the
# request's model, each on its own cluster of the last user message; the last one matches the
# chat request (a hit, after every other fixture was ruled out) and no fixture matches a request
# for another cluster (a miss, with its near misses explained for the journal). Each is measured
# with one client (latency against the bare server's, one client too) and with every connection
# (throughput against the bare server's), then its start-up to first answer.
match_fixture() { # KIND CLUSTER
    case $1 in
        contains) printf '{contains: "incident report for cluster %s "}' "$2" ;;
        regex) printf '{regex: "report for cluster %s[^0-9a-z-]"}' "$2" ;;
        glob) printf '{glob: "*incident report for cluster %s *"}' "$2" ;;
    esac
}
match_config() { # KIND COUNT FILE
    {
        printf 'fixtures:\n'
        for i in $(seq $(($2 - 1))); do
            printf '  - match: {model: gpt-4o-mini, user: %s}\n    reply: {content: "near miss %d"}\n' "$(match_fixture "$1" "$i")" "$i"
        done
        printf '  - match: {model: gpt-4o-mini, user: %s}\n    reply: {content: "%s"}\n' "$(match_fixture "$1" east-7)" "$reply_text"
    } >"$3"
}
chat_request west-9 >"$work/miss.json"
match_port=$((port_base + 4))
match_kinds=()
if [ "$match_seconds" -gt 0 ]; then
    port_free "$match_port" || die "port $match_port is in use; set BENCH_PORT to the first of five free ports"
    for kind in contains regex glob; do
        for count in $match_counts; do
            match_config "$kind" "$count" "$work/match-$kind-$count.yaml"
            log "matching: $count $kind fixtures"
            "$lyrebird" serve --config "$work/match-$kind-$count.yaml" --port "$match_port" >"$work/match.log" 2>&1 &
            pid=$!
            pids+=("$pid")
            wait_http "$match_port" "$pid" "$work/match.log"
            status=$(post "$match_port" /v1/chat/completions "$work/chat.json" "$work/check.json")
            [ "$status" = 200 ] && [ "$(content_of "$work/check.json")" = "$reply_text" ] ||
                die "$count $kind fixtures: the last fixture did not answer: $(head -c 300 "$work/check.json")"
            status=$(post "$match_port" /v1/chat/completions "$work/miss.json" "$work/check.json")
            [ "$status" = 200 ] && [ "$(content_of "$work/check.json")" != "$reply_text" ] ||
                die "$count $kind fixtures: the miss was answered by a fixture: $(head -c 300 "$work/check.json")"
            run_wrk 1 "warm $match_port /v1/chat/completions chat.json 1 1" >/dev/null
            for request in hit:chat.json miss:miss.json; do
                for clients in 1:"1 1" all:"$connections $threads"; do
                    result=$(run_wrk "$match_seconds" "m $match_port /v1/chat/completions ${request#*:} ${clients#*:}")
                    for field in rps mean_ms errors; do
                        value=$(sed -E "s/.* $field=([^ ]+).*/\\1/" <<<"$result")
                        printf 'match-%s-%s-%s-%s.%s\t%s\n' "$kind" "$count" "${request%%:*}" "${clients%%:*}" "$field" "$value" >>"$raw"
                    done
                done
            done
            kill "$pid"
            wait "$pid" 2>/dev/null || true
            if [ "$count" = "${match_counts##* }" ]; then
                for _ in $(seq "$rounds"); do measure_startup "$work/match-$kind-$count.yaml" "match-$kind-$count.startup"; done
            fi
        done
        match_kinds+=("$kind")
    done
fi

# --- Paced streams ----------------------------------------------------------------------------

words=$((paced_events * 4))
{
    # Every stream comes from one loopback address: a load test from one machine lifts the
    # per-address connection limit, as the docs say.
    printf 'settings:\n  max_connections_per_address: 1000000\n'
    printf 'fixtures:\n  - name: paced\n    match: {user: paced}\n'
    printf '    timing: {first_token_ms: %d, tokens_per_second: %d}\n' "$paced_first_token_ms" "$paced_tokens_per_second"
    printf '    reply: {content: "%s"}\n' "$(for _ in $(seq "$words"); do printf 'abc '; done)"
} >"$work/paced.yaml"
printf '{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"A paced stream, please."}]}' >"$work/paced.json"
paced_skip=""
if [ -z "$paced_counts" ]; then
    paced_skip="BENCH_PACED is empty"
elif ! "$lyrebird" validate "$work/paced.yaml" >"$work/paced-validate.log" 2>&1; then
    paced_skip="this Lyrebird refuses the timing key"
    log "paced streams skipped: $(cat "$work/paced-validate.log")"
fi
# The client runs ahead of the server when it may (root), so that on a machine the server keeps
# busy its clock reads when the bytes arrive, not when it next gets a core.
client_priority=()
[ "$(id -u)" != 0 ] || client_priority=(nice -n -10)
if [ -z "$paced_skip" ]; then
    # The paced test runs alone: the other servers (traced hosts exporting their last spans,
    # fleet hosts writing to PostgreSQL) would take cores the schedule needs.
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    pids=()
    for count in $paced_counts; do
        log "paced streams: $count"
        "$lyrebird" serve --config "$work/paced.yaml" --port "$paced_port" >"$work/paced.log" 2>&1 &
        pid=$!
        pids+=("$pid")
        wait_http "$paced_port" "$pid" "$work/paced.log"
        result=$("${client_priority[@]}" "$build/paced_client" -p "$paced_port" -n "$count" -b "$work/paced.json" -f "$paced_first_token_ms" \
            -r "$paced_tokens_per_second" -k "$paced_tokens_per_event" -e "$paced_events" -s "$pid" -g 30)
        log "  $result"
        for pair in $result; do printf 'paced%s.%s\t%s\n' "$count" "${pair%%=*}" "${pair#*=}" >>"$raw"; done
        kill "$pid"
        wait "$pid" 2>/dev/null || true
    done
fi

# --- Report -----------------------------------------------------------------------------------

median() { # KEY: the median of the values recorded under KEY, or nothing
    awk -F'\t' -v key="$1" '$1 == key { print $2 }' "$raw" | sort -g |
        awk '{ v[NR] = $1 } END { if (NR) print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

rows=() # separated by "|": figure, value, unit, baseline, baseline value, ratio, target, met, note
# row FIGURE KEY UNIT [BASELINE_NAME BASELINE_KEY] TARGET. TARGET is ">= X" or "<= X", on the
# ratio to the baseline when there is one, else on the value; "-" for none.
row() {
    local figure=$1 value unit=$3 baseline_name="" baseline="" ratio="" target shown="" met="" compared
    value=$(median "$2")
    if [ $# -eq 6 ]; then baseline_name=$4 baseline=$(median "$5") target=$6; else target=$4; fi
    if [ "$target" != - ]; then
        if [ -n "$baseline_name" ]; then shown="${target}x"; else shown="$target $unit"; fi
    fi
    if [ -z "$value" ]; then
        rows+=("$figure||$unit|$baseline_name|$baseline||$shown||not measured")
        return
    fi
    if [ -n "$baseline" ]; then ratio=$(awk -v a="$value" -v b="$baseline" 'BEGIN { if (b > 0) printf "%.3f", a / b }'); fi
    compared=${ratio:-$value}
    case $target in
        ">= "*) met=$(awk -v x="$compared" -v t="${target#>= }" 'BEGIN { print (x >= t ? "yes" : "no") }') ;;
        "<= "*) met=$(awk -v x="$compared" -v t="${target#<= }" 'BEGIN { print (x <= t ? "yes" : "no") }') ;;
    esac
    rows+=("$figure|$value|$unit|$baseline_name|$baseline|$ratio|$shown|$met|")
}
skip_row() { rows+=("$1||$2|||||skipped: $3"); } # FIGURE UNIT REASON

row "nginx chat req/s" nginx.rps req/s -
row "nginx chat p99" nginx.p99_ms ms -
row "bare Hummingbird chat req/s" bare.rps req/s -
row "bare Hummingbird chat p99" bare.p99_ms ms -
row "chat req/s (100 fixtures)" chat.rps req/s bare bare.rps ">= 0.8"
row "chat req/s vs nginx (stretch)" chat.rps req/s nginx nginx.rps ">= 0.5"
row "chat p99" chat.p99_ms ms bare bare.p99_ms "<= 1.5"
row "streams/s ($stream_events events each)" stream.rps streams/s nginx nginx.rps ">= 0.2"
row "one whole stream, 1 client" stream1.mean_ms ms "<= 0.3"
row "Lua responder req/s" lua.rps req/s static chat.rps ">= 0.5"
row "C plugin responder req/s" plugin.rps req/s static chat.rps ">= 0.9"
row "forced tool choice, generated call req/s" forced.rps req/s fixture chat.rps -
row "Anthropic messages req/s (plugin)" anthropic.rps req/s chat chat.rps -
row "Gemini generateContent req/s (plugin)" gemini.rps req/s chat chat.rps -
row "Bedrock Converse req/s (plugin)" bedrock.rps req/s chat chat.rps -
for later in "responses|Responses SSE streams/s|streams/s" "embeddings|embeddings req/s|req/s"; do
    IFS='|' read -r name figure unit <<<"$later"
    if [[ " ${skipped[*]} " == *" $name "* ]]; then
        skip_row "$figure" "$unit" "the endpoint answers 404"
    else
        row "$figure" "$name.rps" "$unit" nginx nginx.rps -
    fi
done
row "chat req/s, SQLite file store" chat-sqlite.rps req/s memory chat.rps ">= 0.9"
row "chat req/s, keys and quotas on" chat-quotas.rps req/s off chat.rps ">= 0.9"
row "chat req/s, metrics on (the default)" chat.rps req/s off chat-metrics-off.rps ">= 0.95"
row "chat req/s, traces on, every span (OTLP/HTTP)" chat-traces.rps req/s off chat.rps ">= 0.95"
row "chat req/s, traces on, sample_ratio 0.1" chat-traces-sampled.rps req/s off chat.rps ">= 0.95"
row "chat req/s, fault rules drawn per request" chat-faults.rps req/s off chat.rps ">= 0.95"
row "chat req/s, the dashboard's live journal open" chat-dashboard.rps req/s closed chat.rps ">= 0.95"
if [ -n "$postgres_url" ]; then
    row "chat req/s, PostgreSQL store" chat-postgres.rps req/s memory chat.rps ">= 0.9"
    row "chat req/s, quotas on a 2-host fleet" chat-fleet-quotas.rps req/s off chat-postgres.rps ">= 0.9"
else
    skip_row "chat req/s, PostgreSQL store" req/s "BENCH_POSTGRES_URL is not set"
    skip_row "chat req/s, quotas on a 2-host fleet" req/s "BENCH_POSTGRES_URL is not set"
fi
row "start-up to first answer" startup.ms ms "<= 100"
row "idle RSS after start" startup.rss_mb MB "<= 50"
row "bare Hummingbird chat latency, 1 client" bare1.mean_ms ms -
for kind in "${match_kinds[@]}"; do
    for count in $match_counts; do
        for request in hit miss; do
            row "$kind x$count $request latency, 1 client" "match-$kind-$count-$request-1.mean_ms" ms bare bare1.mean_ms -
            row "$kind x$count $request req/s" "match-$kind-$count-$request-all.rps" req/s bare bare.rps -
        done
    done
    count=${match_counts##* }
    row "$kind x$count start-up to first answer" "match-$kind-$count.startup.ms" ms "<= 1000"
    row "$kind x$count idle RSS after start" "match-$kind-$count.startup.rss_mb" MB -
done
for count in $paced_counts; do
    if [ -n "$paced_skip" ]; then
        skip_row "paced $count streams" "" "$paced_skip"
        continue
    fi
    row "paced $count: streams completed" "paced$count.completed" streams ">= $count"
    row "paced $count: drift p50" "paced$count.drift_p50_ms" ms -
    row "paced $count: drift p99" "paced$count.drift_p99_ms" ms "<= 10"
    row "paced $count: drift max" "paced$count.drift_max_ms" ms -
    row "paced $count: jitter p50" "paced$count.jitter_p50_ms" ms -
    row "paced $count: jitter p99" "paced$count.jitter_p99_ms" ms -
    row "paced $count: first token p50" "paced$count.ttft_p50_ms" ms -
    row "paced $count: first token p99" "paced$count.ttft_p99_ms" ms -
    row "paced $count: server peak RSS" "paced$count.server_peak_rss_mb" MB "<= 512"
done

# Requests that failed during a wrk run make its figure suspect: say so.
errors=$(awk -F'\t' '$1 ~ /\.errors$/ && $2 > 0 { printf " %s=%s", $1, $2 }' "$raw")

mkdir -p "$(dirname "$output")"
table=${output%.json}.txt
{
    for line in "figure|value|unit|baseline||ratio|target|met|" "${rows[@]}"; do
        IFS='|' read -r figure value unit baseline_name baseline ratio target met note <<<"$line"
        printf '%-36s %10s %-9s %-6s %10s %7s %-10s %-4s %s\n' \
            "$figure" "$value" "$unit" "$baseline_name" "$baseline" "$ratio" "$target" "$met" "$note"
    done
    [ -z "$errors" ] || printf '\nwrk counted errors:%s\n' "$errors"
} | tee "$table"

json_value() { # a number as it is, anything else quoted, nothing as null
    if [ -z "$1" ]; then printf null; elif [[ $1 =~ ^-?[0-9.]+$ ]]; then printf '%s' "$1"; else printf '"%s"' "$1"; fi
}
{
    printf '{\n  "date": "%s",\n  "commit": "%s",\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(git rev-parse --short HEAD)"
    printf '  "machine": {"cpus": %d, "cpu": "%s", "kernel": "%s", "load_average_before": "%s"},\n' "$(nproc)" \
        "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)" "$(uname -r)" "$load_before"
    printf '  "settings": {"seconds": %d, "rounds": %d, "connections": %d, "threads": %d, "paced_streams": [%s],' \
        "$seconds" "$rounds" "$connections" "$threads" "$(tr ' ' ',' <<<"$paced_counts" | sed 's/^,*//; s/,*$//; s/,,*/,/g')"
    printf ' "paced": {"first_token_ms": %d, "tokens_per_second": %d, "tokens_per_event": %d, "events": %d},' \
        "$paced_first_token_ms" "$paced_tokens_per_second" "$paced_tokens_per_event" "$paced_events"
    printf ' "reply_bytes": %d, "completion_tokens": %d, "stream_events": %d},\n' \
        "$(wc -c <"$work/reply.json")" "$completion_tokens" "$stream_events"
    printf '  "wrk_errors": "%s",\n  "figures": [\n' "${errors# }"
    separator=""
    for line in "${rows[@]}"; do
        IFS='|' read -r figure value unit baseline_name baseline ratio target met note <<<"$line"
        printf '%s    {"figure": "%s", "value": %s, "unit": "%s", "baseline": %s, "baseline_value": %s, "ratio": %s, "target": %s, "met": %s, "note": %s}' \
            "$separator" "$figure" "$(json_value "$value")" "$unit" "$(json_value "$baseline_name")" "$(json_value "$baseline")" \
            "$(json_value "$ratio")" "$(json_value "$target")" "$(case $met in yes) echo true ;; no) echo false ;; *) echo null ;; esac)" \
            "$(json_value "$note")"
        separator=$',\n'
    done
    printf '\n  ]\n}\n'
} >"$output"
log "wrote $output and $table"
