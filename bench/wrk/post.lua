-- wrk script for bench/run.sh: POSTs the JSON body in the file BENCH_BODY_FILE to BENCH_PATH
-- (default /v1/chat/completions) and prints one machine-readable line when done:
--   RESULT requests=N seconds=S rps=R mean_ms=M p50_ms=P p99_ms=Q errors=E
-- errors counts connect, read, write and timeout errors and non-2xx/3xx answers.
local file = assert(io.open(assert(os.getenv("BENCH_BODY_FILE"), "BENCH_BODY_FILE is not set"), "rb"))
wrk.method = "POST"
wrk.path = os.getenv("BENCH_PATH") or "/v1/chat/completions"
wrk.body = file:read("*a")
wrk.headers["Content-Type"] = "application/json"
local key = os.getenv("BENCH_API_KEY")
if key and key ~= "" then wrk.headers["Authorization"] = "Bearer " .. key end
file:close()

function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT requests=%d seconds=%.3f rps=%.1f mean_ms=%.4f p50_ms=%.4f p99_ms=%.4f errors=%d\n",
    summary.requests, seconds, summary.requests / seconds, latency.mean / 1000,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.status + e.timeout))
end
