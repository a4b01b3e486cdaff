"""Starts the real `lyrebird` binary and hands tests a base URL.

The binary comes from LYREBIRD_BIN, or `.build/debug/lyrebird` under the repository root.
Each server is started with `--port 0` and read for its `listening on` line.
"""

import os
import pathlib
import select
import signal
import subprocess
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = pathlib.Path(__file__).resolve().parent / "fixtures"


def lyrebird_binary() -> str:
    explicit = os.environ.get("LYREBIRD_BIN")
    if explicit:
        return explicit
    return str(ROOT / ".build" / "debug" / "lyrebird")


class Server:
    """A running `lyrebird serve`; `url` is its root, `base_url` the OpenAI `/v1` root."""

    def __init__(self, args, env=None, preexec_fn=None):
        self.process = subprocess.Popen(
            [lyrebird_binary(), "serve", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, **(env or {})},
            text=True,
            preexec_fn=preexec_fn,
        )
        self.url = self._wait_for_url()
        self.base_url = self.url + "/v1"

    def _wait_for_url(self, timeout=30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 0.2)
            if ready:
                line = self.process.stdout.readline()
                if line.startswith("listening on "):
                    return line.split("listening on ", 1)[1].strip()
            if self.process.poll() is not None:
                raise RuntimeError("lyrebird exited early: " + self.process.stderr.read())
        self.stop()
        raise RuntimeError("lyrebird did not print its URL in time")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def run_lyrebird(*args, timeout=60):
    """Runs a lyrebird subcommand to completion and returns the CompletedProcess."""
    return subprocess.run([lyrebird_binary(), *args], capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def chat_server():
    server = Server(["--config", str(FIXTURES / "chat.yaml")])
    yield server
    server.stop()


@pytest.fixture(scope="session")
def openai_client(chat_server):
    import openai

    return openai.OpenAI(base_url=chat_server.base_url, api_key="sk-test", max_retries=0)


def send_beside_health(server, path, body, timeout=30.0):
    """Posts a costly `body` to `path` on a thread and, while it runs, checks that `/health`
    still answers; returns the costly request's response. The generous `timeout` is only
    the point where the request counts as stuck, not a performance bound."""
    import threading

    import httpx

    result = {}

    def send():
        result["response"] = httpx.post(server.url + path, json=body, timeout=timeout)

    sender = threading.Thread(target=send)
    sender.start()
    while sender.is_alive():
        assert httpx.get(server.url + "/health", timeout=timeout).status_code == 200
        sender.join(0.2)
    return result["response"]
