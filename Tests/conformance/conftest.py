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


class PostgresCluster:
    """A PostgreSQL server for the fleet tests: the one LYREBIRD_TEST_POSTGRES_URL names (which
    .ci/run starts), or else a private cluster started here from Debian's postgresql package, on
    a free port, removed when the tests end. `url(name)` creates a fresh database."""

    def __init__(self):
        import pathlib
        import shutil
        import socket
        import tempfile

        self.process = None
        self.base_url = os.environ.get("LYREBIRD_TEST_POSTGRES_URL")
        self.folder = None
        if self.base_url:
            return
        binaries = sorted(pathlib.Path("/usr/lib/postgresql").glob("*/bin"))
        if not binaries:
            raise RuntimeError("PostgreSQL is not installed: scripts/setup.sh installs Debian's postgresql package")
        bin_dir = binaries[-1]
        self.folder = pathlib.Path(tempfile.mkdtemp(prefix="lyrebird-pg-"))
        as_user = []
        if os.geteuid() == 0:
            # PostgreSQL refuses to run as root; Debian's package made the postgres user.
            shutil.chown(self.folder, "postgres")
            as_user = ["runuser", "-u", "postgres", "--"]
        data = self.folder / "data"
        subprocess.run(
            [*as_user, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
            check=True, capture_output=True, timeout=120,
        )
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [*as_user, str(bin_dir / "postgres"), "-D", str(data), "-p", str(port), "-k", str(self.folder), "-c", "listen_addresses=127.0.0.1"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        self.base_url = f"postgres://postgres@127.0.0.1:{port}/postgres?sslmode=disable"
        deadline = time.monotonic() + 60
        while subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", str(port)], capture_output=True).returncode != 0:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("PostgreSQL did not start: " + self.process.stderr.read().decode())
            time.sleep(0.2)

    def url(self, name):
        """A new, empty database called `name`, and its URL."""
        base, _, query = self.base_url.partition("?")
        root = base.rsplit("/", 1)[0]
        subprocess.run(["psql", self.base_url.split("?")[0], "-c", f'DROP DATABASE IF EXISTS "{name}"'], check=True, capture_output=True)
        subprocess.run(["psql", self.base_url.split("?")[0], "-c", f'CREATE DATABASE "{name}"'], check=True, capture_output=True)
        return f"{root}/{name}" + (f"?{query}" if query else "")

    def stop(self):
        import shutil

        if self.process:
            self.process.terminate()
            self.process.wait(timeout=30)
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres():
    cluster = PostgresCluster()
    yield cluster
    cluster.stop()
