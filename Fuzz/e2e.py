#!/usr/bin/env python3
"""End-to-end fuzzer: starts the release `lyrebird serve` with the fixtures of Fuzz/fixtures.yaml
and the Anthropic, Gemini and Ollama plugins, sends valid requests for every endpoint mutated with a seeded RNG
(byte flips, truncation, type swaps, deep nesting, huge numbers, unicode, duplicate keys, wrong
content types, random methods and paths) over several connections, and checks every answer:
no reset or timeout, no 5xx but the fixture-declared one, error bodies in the right shape, the
server alive, its memory flat. Prints a summary; exits 1 on any failure.

    python3 Fuzz/e2e.py --requests 1000000 --seed 1 --concurrency 8
    python3 Fuzz/e2e.py --requests 1000000 --seconds 600     # as many as fit in ten minutes
    python3 Fuzz/e2e.py --replay 4711 --seed 1      # send request 4711 of that run again, and show it

Request i of a run depends only on the seed and i, so a failure names what to replay.
"""

import argparse
import concurrent.futures
import json
import random
import re
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import httpx
import yaml

import seed as seeds

FUZZ = Path(__file__).resolve().parent
ROOT = FUZZ.parent
FIXTURES = FUZZ / "fixtures.yaml"
DECLARED = "declared by the fixture"

# Every endpoint the server answers, and the seeds its bodies come from. One line per endpoint.
# `{model}` becomes one of MODELS[kind of path]; `resp_previous` (in a path or a body) the id of
# a response created for that request.
ENDPOINTS = [
    ("POST", "/v1/chat/completions", "chat"),
    ("POST", "/v1/responses", "responses"),  # whole, or streamed when the seed says "stream"
    ("GET", "/v1/responses/resp_previous", None),
    ("GET", "/v1/responses/resp_previous/input_items", "input_items"),
    ("DELETE", "/v1/responses/resp_previous", None),
    ("POST", "/v1/embeddings", "embeddings"),
    ("POST", "/v1/completions", "completions"),
    ("GET", "/v1/models", None),
    ("GET", "/v1/models/{model}", None),
    ("POST", "/v1/messages", "anthropic"),
    ("POST", "/v1/messages/count_tokens", "anthropic"),
    ("POST", "/v1beta/models/{model}:generateContent", "gemini"),
    ("POST", "/v1beta/models/{model}:streamGenerateContent?alt=sse", "gemini"),
    ("POST", "/v1/models/{model}:streamGenerateContent", "gemini"),
    ("POST", "/v1beta/models/{model}:countTokens", "gemini"),
    ("GET", "/v1beta/models", "gemini_list"),
    ("GET", "/v1beta/models/{model}", None),
    ("POST", "/api/chat", "ollama"),
    ("POST", "/api/generate", "ollama"),
    ("GET", "/api/tags", None),
    ("POST", "/api/show", "ollama_show"),
    ("GET", "/health", None),
    ("GET", "/fixtures", None),
    ("POST", "/fixtures", "fixture"),
    ("DELETE", "/fixtures/{id}", None),
    ("GET", "/journal", None),
]
MODELS = {"openai": ["gpt-4o", "text-embedding-3-small", "gpt-3.5-turbo-instruct", "claude-x", "no-such-model", "a%2Fb"],
          "gemini": ["gemini-2.0-flash", "gemini-2.5-flash", "no-such-model", "", "x" * 300, "%ff"]}
PREVIOUS = seeds.PREVIOUS_RESPONSE
# The body of the response created for a request that names `resp_previous`.
PREVIOUS_BODY = b'{"model": "gpt-4o", "instructions": "be brief", "input": [{"role": "user", "content": "weather in Paris"}]}'
# Paths answered in Anthropic's, Ollama's and Gemini's error shapes; everything else in OpenAI's.
ANTHROPIC_PATHS = ("/v1/messages", "/v1/messages/count_tokens")
OLLAMA_PATHS = ("/api/chat", "/api/generate", "/api/tags", "/api/show")
GEMINI_PATH = re.compile(r"^/v1(beta)?/models/[^/]*:(generateContent|streamGenerateContent|countTokens)$|^/v1beta/models(/[^/]*)?$")
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "PROPFIND"]
CONTENT_TYPES = ["application/json", "application/json; charset=utf-8", "application/yaml", "text/plain",
                 "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "", "application/json, text/plain"]
TEXTS = ["", "\u0000", "\U0001f600\u200d\U0001f525", "\u202eevil", "e\u0301", "\ud7ff\ue000\uffff", "x" * 70000,
         "hello there", "fail", "weather in Paris", "echo me", "paced", "slow down", "talk like a pirate"]
NUMBERS = ["1e400", "-1e400", "1e-400", "-0", "123456789012345678901234567890", "9223372036854775808",
           "-9223372036854775809", "0.1e1", "1E+2", "NaN", "Infinity", "-", "01", "1.", ".5"]


def load_seeds():
    bodies = seeds.request_bodies()
    return {
        "chat": seeds.bodies_for(bodies, seeds.CHAT),
        "anthropic": [b for p, b in bodies if p.startswith("/v1/messages")],
        "responses": seeds.bodies_for(bodies, seeds.RESPONSES),
        "embeddings": seeds.bodies_for(bodies, seeds.EMBEDDINGS),
        "completions": seeds.bodies_for(bodies, seeds.COMPLETIONS),
        "gemini": seeds.bodies_for(bodies, seeds.GEMINI, seeds.GEMINI_STREAM, seeds.GEMINI_COUNT) + seeds.gemini_sdk_bodies(),
        "ollama": seeds.bodies_for(bodies, seeds.OLLAMA_CHAT, seeds.OLLAMA_GENERATE),
        "ollama_show": [b'{"model": "llama3.2"}', b'{"name": "qwen2.5", "verbose": true}', b'{"model": "no-such-model"}'],
        "fixture": seeds.fixture_bodies(bodies),
        # Query strings rather than bodies: pages of a listing.
        "input_items": [b"", b"order=asc&limit=100", b"limit=0", b"after=msg_x&order=desc", b"limit=abc"],
        "gemini_list": [b"", b"pageSize=2", b"pageSize=-1&pageToken=zzz", b"pageSize=abc"],
    }


def json_text(value, rng):
    """Serialises `value`, sometimes repeating an object's first key (JSON allows it; the last wins)."""
    if isinstance(value, dict):
        members = [json.dumps(k) + ":" + json_text(v, rng) for k, v in value.items()]
        if members and rng.random() < 0.05:
            members.insert(0, members[0].split(":", 1)[0] + ":" + json.dumps(rng.choice(TEXTS)[:50]))
        return "{" + ",".join(members) + "}"
    if isinstance(value, list):
        return "[" + ",".join(json_text(v, rng) for v in value) + "]"
    if isinstance(value, str) and value.startswith("\x00raw:"):
        return value[5:]
    return json.dumps(value, ensure_ascii=rng.random() < 0.5)


def random_value(rng, depth=0):
    kind = rng.randrange(9)
    if kind == 0:
        return None
    if kind == 1:
        return rng.random() < 0.5
    if kind == 2:
        return rng.choice([0, -1, 1, 2**31, 2**63 - 1, -(2**63), 2**64, 1.5, -0.0])
    if kind == 3:
        return "\x00raw:" + rng.choice(NUMBERS)
    if kind == 4:
        return rng.choice(TEXTS)
    if kind == 5 and depth < 3:
        return [random_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    if kind == 6 and depth < 3:
        return {rng.choice(["role", "content", "type", "text", "model", "x", ""]): random_value(rng, depth + 1)}
    if kind == 7:
        opening, closing = rng.choice([("[", "]"), ('{"a":', "}")])
        depth = rng.randrange(100, 300)
        return "\x00raw:" + opening * depth + "1" + closing * depth
    return rng.choice(TEXTS)


def paths_in(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths_in(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths_in(item, prefix + (index,))


def mutate_json(body, rng):
    """Swaps the type of, removes, or blows up one member of a JSON body."""
    try:
        value = json.loads(body)
    except ValueError:
        return body
    for _ in range(rng.randrange(1, 4)):
        path = rng.choice(list(paths_in(value)))
        if not path:
            value = random_value(rng)
            continue
        parent = value
        for key in path[:-1]:
            parent = parent[key]
        action = rng.randrange(3)
        if action == 0 and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == 1 and isinstance(parent, list):
            parent.insert(path[-1], random_value(rng))
        else:
            parent[path[-1]] = random_value(rng)
    return json_text(value, rng).encode("utf-8", "surrogatepass")


def mutate_bytes(body, rng):
    data = bytearray(body)
    for _ in range(rng.randrange(1, 6)):
        action = rng.randrange(4)
        if action == 0 and data:
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        elif action == 1:
            data.insert(rng.randrange(len(data) + 1), rng.randrange(256))
        elif action == 2 and data:
            del data[rng.randrange(len(data))]
        else:
            data = data[: rng.randrange(len(data) + 1)]
    return bytes(data)


def make_request(index, seed, corpus, fixture_names):
    """Request `index` of the run: (method, path, headers, body)."""
    rng = random.Random(f"{seed}:{index}")
    method, path, kind = rng.choice(ENDPOINTS)
    body = rng.choice(corpus[kind]) if kind else b""
    if method == "GET" and body:
        path, body = path + ("&" if "?" in path else "?") + body.decode(), b""
    headers = {"content-type": "application/yaml" if kind == "fixture" and not body.startswith(b"{") else "application/json"}
    if path == "/fixtures/{id}":
        path = "/fixtures/" + rng.choice(["fixture-1", "nothing", "%00", "a/b", "\u00e9", "x" * 300])
    if "{model}" in path:
        gemini = "{model}:" in path or path.startswith("/v1beta/")
        path = path.replace("{model}", rng.choice(MODELS["gemini" if gemini else "openai"]))
    if PREVIOUS in path and rng.random() < 0.2:
        path = path.replace(PREVIOUS, rng.choice(["resp_missing", "", "%00", "x" * 300]))
    if kind == "responses" and rng.random() < 0.3:
        try:
            body = json.dumps(dict(json.loads(body), previous_response_id=PREVIOUS)).encode()
        except (ValueError, TypeError):
            pass
    roll = rng.random()
    if roll < 0.15:
        pass  # the valid request itself
    elif roll < 0.45:
        body = mutate_json(body, rng)
    elif roll < 0.70:
        body = mutate_bytes(body, rng)
    elif roll < 0.80:
        headers["content-type"] = rng.choice(CONTENT_TYPES)
        body = mutate_json(body, rng) if rng.random() < 0.5 else body
    elif roll < 0.90:
        method = rng.choice(METHODS)
    elif roll < 0.9995:
        path = rng.choice([path + "/", path.upper(), path + "?stream=true", "/v1" + path, "/" + "a/" * 500, "/v1/%2e%2e/health",
                           "/v1/chat/completions/x", "/v2/chat/completions", "//health", "/fixtures/" + "%ff" * 10])
    else:
        body = b'{"model": "m", "messages": [{"role": "user", "content": "' + b"x" * (5 * 1024 * 1024) + b'"}]}'
    headers.update(rng.choice([{}, {"x-lyrebird-conversation": "c%d" % rng.randrange(5)}, {"origin": "http://evil.example"},
                               {"anthropic-version": "2023-06-01", "x-api-key": "k"}, {"accept": "text/event-stream"}]))
    if method == "DELETE" and path.rsplit("/", 1)[-1] in fixture_names:
        path += "-not-the-file's"  # the file's own fixtures stay: the checks count on them
    return method, path, headers, body


class Server:
    def __init__(self, binary, plugins):
        (FUZZ / ".build").mkdir(exist_ok=True)
        self.log = open(FUZZ / ".build" / "e2e-server.log", "w")
        command = [binary, "serve", "--config", str(FIXTURES), "--port", "0", "--log-level", "error"]
        for plugin in plugins:
            command += ["--plugin", plugin]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("listening on "):
            sys.exit(f"e2e: the server did not start: {line!r}")
        self.url = line.split("listening on ", 1)[1].strip()
        # Keep reading its output so that the pipe never fills.
        threading.Thread(target=lambda: [None for _ in self.process.stdout], daemon=True).start()

    def rss_kib(self):
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=20)


class ReadersWriter:
    """Requests share the server; a fuzzed fixture is added and removed while nothing else runs,
    so that it never answers another request (it may well declare a 5xx of its own)."""

    def __init__(self):
        self.condition = threading.Condition()
        self.readers = 0
        self.writing = False

    def shared(self):
        return _Hold(self, False)

    def exclusive(self):
        return _Hold(self, True)


class _Hold:
    def __init__(self, lock, exclusive):
        self.lock, self.exclusive = lock, exclusive

    def __enter__(self):
        with self.lock.condition:
            if self.exclusive:
                self.lock.condition.wait_for(lambda: not self.lock.writing and self.lock.readers == 0)
                self.lock.writing = True
            else:
                self.lock.condition.wait_for(lambda: not self.lock.writing)
                self.lock.readers += 1

    def __exit__(self, *_):
        with self.lock.condition:
            if self.exclusive:
                self.lock.writing = False
            else:
                self.lock.readers -= 1
            self.lock.condition.notify_all()


def check(method, path, response):
    """What is wrong with the answer to one request, or None."""
    status = response.status_code
    if "x-request-id" not in response.headers:
        return f"{status} without x-request-id"
    if status >= 500:
        if DECLARED in response.text:
            return None
        return f"undeclared {status}: {response.text[:300]}"
    if method == "HEAD":
        return None
    content_type = response.headers.get("content-type", "")
    if status >= 400:
        try:
            error = response.json()
        except ValueError:
            return f"{status} with a body that is not JSON: {response.text[:300]}"
        # The host's own refusals (no such route, a method the path does not take, framing and
        # size limits) come in OpenAI's shape on every path; a provider's, in its own.
        route = path.split("?", 1)[0].rstrip("/") or "/"
        openai_shape = isinstance(error, dict) and isinstance(error.get("error"), dict) and \
            set(error["error"]) == {"message", "type", "param", "code"} and isinstance(error["error"]["message"], str)
        if route in OLLAMA_PATHS:
            if not openai_shape and not (isinstance(error, dict) and isinstance(error.get("error"), str)):
                return f"{status} not in Ollama's error shape: {response.text[:300]}"
            return None
        if route in ANTHROPIC_PATHS and (error.get("type") != "error" or not isinstance(error.get("error", {}).get("type"), str)):
            return f"{status} not in Anthropic's error shape: {response.text[:300]}"
        if not isinstance(error.get("error"), dict) or not isinstance(error["error"].get("message"), str):
            return f"{status} without error.message: {response.text[:300]}"
        if GEMINI_PATH.match(route):
            gemini_shape = isinstance(error["error"].get("code"), int) and isinstance(error["error"].get("status"), str)
            if not gemini_shape and not openai_shape:
                return f"{status} not in Gemini's error shape: {response.text[:300]}"
        elif route.startswith("/v1/") and route not in ANTHROPIC_PATHS and not openai_shape:
            return f"{status} not in OpenAI's error shape: {response.text[:300]}"
        return None
    if content_type.startswith("text/event-stream"):
        for line in response.text.splitlines():
            if line.startswith("data: ") and line != "data: [DONE]":
                try:
                    json.loads(line[6:])
                except ValueError:
                    return f"stream event that is not JSON: {line[:300]}"
    elif content_type.startswith("application/x-ndjson"):
        for line in response.text.splitlines():
            try:
                json.loads(line)
            except ValueError:
                return f"a stream line that is not JSON: {line[:300]}"
    elif content_type.startswith("application/json"):
        try:
            response.json()
        except ValueError:
            return f"{status} JSON body that does not parse: {response.text[:300]}"
    return None


def adds_fixture(method, path):
    """Whether the request may add a fixture: a POST to /fixtures, with a query or a trailing slash too."""
    return method == "POST" and urllib.parse.urlsplit(path).path.rstrip("/") == "/fixtures"


def send(client, lock, request):
    method, path, headers, body = request
    hold = lock.exclusive() if adds_fixture(method, path) else lock.shared()
    with hold:
        if PREVIOUS.encode() in body or PREVIOUS in path:
            created = client.post("/v1/responses", content=PREVIOUS_BODY, headers={"content-type": "application/json"})
            if created.status_code != 200:
                return created, f"creating the response a request continues answered {created.status_code}: {created.text[:300]}"
            previous = created.json()["id"]
            path, body = path.replace(PREVIOUS, previous), body.replace(PREVIOUS.encode(), previous.encode())
        response = client.request(method, path, headers=headers, content=body)
        if response.status_code == 201 and adds_fixture(method, path):
            added = response.json()["id"]
            removed = client.delete("/fixtures/" + urllib.parse.quote(added, safe=""))
            if removed.status_code != 200:
                return response, f"deleting the fixture {added} just added answered {removed.status_code}"
    return response, check(method, path, response)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, help="stop sending after this long, whatever the count")
    parser.add_argument("--binary", default=str(ROOT / ".build" / "release" / "lyrebird"))
    parser.add_argument("--plugin", action="append", help="a plugin to load (repeatable; default: the Anthropic, Gemini "
                        "and Ollama plugins of the release build)")
    parser.add_argument("--replay", type=int, help="send only this request of the run, and print it and its answer")
    options = parser.parse_args()

    corpus = load_seeds()
    fixture_names = {f.get("name") for f in yaml.safe_load(FIXTURES.read_text())["fixtures"]}
    plugins = options.plugin or [str(ROOT / ".build" / "release" / f"libLyrebird{name}.so") for name in ("Anthropic", "Gemini", "Ollama")]
    server = Server(options.binary, plugins)
    lock = ReadersWriter()
    failures, statuses, samples = [], {}, []
    declared = resets = 0
    sample_every = max(1000, options.requests // 200)
    indices = [options.replay] if options.replay is not None else range(options.requests)
    local = threading.local()
    started = time.monotonic()

    def run(index):
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=server.url, timeout=30)
        request = make_request(index, options.seed, corpus, fixture_names)
        if options.replay is not None:
            print("request:", request[0], request[1], request[2], request[3][:2000])
        try:
            response, problem = send(local.client, lock, request)
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            # InvalidURL: a request the client cannot even send (the path that deletes a fixture
            # just added, too long); a failure of that request, not the end of the run.
            local.client = httpx.Client(base_url=server.url, timeout=30)
            return index, None, f"{type(error).__name__}: {error}"
        if options.replay is not None:
            print("answer:", response.status_code, dict(response.headers), response.text[:2000])
        return index, response.status_code, (problem, DECLARED in response.text if response.status_code >= 500 else False)

    def outcomes(pool):
        # In batches, so that a million requests are never all queued at once.
        for start in range(0, len(indices), 1000):
            if options.seconds and time.monotonic() - started > options.seconds:
                return
            yield from pool.map(run, indices[start : start + 1000])

    with concurrent.futures.ThreadPoolExecutor(options.concurrency) as pool:
        count = 0
        for count, (index, status, outcome) in enumerate(outcomes(pool), 1):
            if status is None:
                resets += 1
                failures.append((index, outcome))
            else:
                statuses[status] = statuses.get(status, 0) + 1
                problem, was_declared = outcome
                declared += was_declared
                if problem:
                    failures.append((index, f"{status} {problem}"))
            if count % sample_every == 0:
                if server.process.poll() is not None:
                    failures.append((index, f"the server exited with status {server.process.returncode}"))
                    break
                samples.append(server.rss_kib())
            if count % 100000 == 0:
                print(f"e2e: {count} requests, {len(failures)} failures, {count / (time.monotonic() - started):.0f}/s", flush=True)

    alive = server.process.poll() is None
    if alive:
        samples.append(server.rss_kib())
        server.stop()
    elapsed = time.monotonic() - started
    warm = samples[len(samples) // 10] if samples else 0
    grew = bool(samples) and samples[-1] > warm * 1.25 + 16 * 1024
    print(f"e2e: {count} requests in {elapsed:.0f} s ({count / elapsed:.0f}/s), seed {options.seed}, "
          f"concurrency {options.concurrency}")
    print("e2e: statuses " + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items())))
    print(f"e2e: fixture-declared 5xx {declared}, connection errors {resets}, failures {len(failures)}")
    if samples:
        print(f"e2e: RSS KiB first {samples[0]}, after warm-up {warm}, last {samples[-1]}, max {max(samples)} "
              f"({len(samples)} samples)")
        tenths = [samples[min(len(samples) - 1, len(samples) * tenth // 10)] for tenth in range(11)]
        print("e2e: RSS KiB at each tenth of the run: " + " ".join(str(kib) for kib in tenths))
    for index, problem in failures[:20]:
        print(f"e2e: FAILED request {index}: {problem}")
    if not alive:
        print("e2e: FAILED: the server died")
    if grew:
        print("e2e: FAILED: memory grew after warm-up")
    sys.exit(1 if failures or grew or not alive else 0)


if __name__ == "__main__":
    main()
