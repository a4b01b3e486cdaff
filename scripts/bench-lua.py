#!/usr/bin/env python3
"""Throughput of a trivial Lua responder against a static fixture, on the same server, in the
same run. Loopback only, bounded request counts; not a test.

    swift build -c release
    python3 scripts/bench-lua.py --binary .build/release/lyrebird

Prints requests per second for both paths and their ratio (goal: Lua >= 0.5 of static).
"""

import argparse
import concurrent.futures
import http.client
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

CONFIG = """
fixtures:
  - match: {user: static}
    reply: {content: "A static reply from a fixture."}
  - match: {user: lua}
    reply:
      lua_inline: |
        function respond(req)
          return "A reply from Lua for " .. req.model .. "."
        end
"""


def start(binary, config):
    process = subprocess.Popen([binary, "serve", "--port", "0", "--config", config, "--log-level", "warning"],
                               stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    if not line.startswith("listening on "):
        process.kill()
        sys.exit("server did not start: " + line)
    host_port = line.strip().split("http://", 1)[1]
    host, port = host_port.rsplit(":", 1)
    return process, host, int(port)


def worker(host, port, body, count):
    connection = http.client.HTTPConnection(host, port)
    for _ in range(count):
        connection.request("POST", "/v1/chat/completions", body=body, headers={"content-type": "application/json"})
        response = connection.getresponse()
        payload = response.read()
        if response.status != 200:
            raise RuntimeError(payload)
    connection.close()


def measure(host, port, text, requests, concurrency):
    body = json.dumps({"model": "bench", "messages": [{"role": "user", "content": text}]})
    per_worker = requests // concurrency
    worker(host, port, body, 50)  # warm up: connections, pooled Lua states
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        for future in [pool.submit(worker, host, port, body, per_worker) for _ in range(concurrency)]:
            future.result()
    return per_worker * concurrency / (time.perf_counter() - started)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=".build/release/lyrebird")
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        config = pathlib.Path(folder) / "bench.yaml"
        config.write_text(CONFIG)
        process, host, port = start(arguments.binary, str(config))
        try:
            static_rates, lua_rates = [], []
            for _ in range(arguments.rounds):  # interleaved so drift hits both alike
                static_rates.append(measure(host, port, "static", arguments.requests, arguments.concurrency))
                lua_rates.append(measure(host, port, "lua", arguments.requests, arguments.concurrency))
        finally:
            process.terminate()
            process.wait()
    static_best, lua_best = max(static_rates), max(lua_rates)
    print(f"static fixture: {static_best:8.0f} requests/s  (rounds: {', '.join(f'{r:.0f}' for r in static_rates)})")
    print(f"lua responder:  {lua_best:8.0f} requests/s  (rounds: {', '.join(f'{r:.0f}' for r in lua_rates)})")
    print(f"ratio lua/static: {lua_best / static_best:.2f} (goal >= 0.50)")


if __name__ == "__main__":
    main()
