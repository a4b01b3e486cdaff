"""No connection can hang or lock out the host: head, body and keep-alive timeouts, the
connection limit, HTTP framing errors answered in the OpenAI error shape, and the shutdown grace.

Timeouts in these configurations are short so that the suite stays fast; the bounds asserted are
generous on purpose: they show which clock ran, never exact times."""

import json
import os
import resource
import select
import signal
import socket
import time

import httpx
import openai
import pytest

from conftest import Server
from test_plugins import TEST_PLUGINS, compile_plugin

CONFIG = """
settings:
  header_timeout_seconds: 1
  body_timeout_seconds: 1
  keep_alive_timeout_seconds: 2
  max_body_bytes: 65536
fixtures: []
"""


def start(tmp_path, text, extra=(), **options):
    config = tmp_path / "connections.yaml"
    config.write_text(text)
    return Server(["--config", str(config), *extra], **options)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = start(tmp_path_factory.mktemp("connections"), CONFIG)
    yield server
    server.stop()


def connect(server, data=b"", source="127.0.0.1"):
    host, port = server.url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=10, source_address=(source, 0))
    if data:
        sock.sendall(data)
    return sock


def read_until_closed(sock, timeout=10):
    """Everything the server sends until it closes the connection."""
    sock.settimeout(timeout)
    data = b""
    while True:
        try:
            more = sock.recv(65536)
        except ConnectionResetError:
            break
        if not more:
            break
        data += more
    sock.close()
    return data


class Responses:
    """Reads responses with a Content-Length one by one from a connection that stays open."""

    def __init__(self, sock):
        self.sock = sock
        self.buffer = b""

    def _fill(self):
        more = self.sock.recv(65536)
        assert more, "the server closed the connection"
        self.buffer += more

    def next(self):
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:"))
        while len(self.buffer) < length:
            self._fill()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return head.decode(), body


def closed_without_reply(sock, wait=0.0):
    """Whether the server closed the connection (within `wait` seconds) without sending anything."""
    readable, _, _ = select.select([sock], [], [], wait)
    if not readable:
        return False
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def assert_error(data, status, code):
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.decode().split("\r\n")
    assert lines[0].startswith(f"HTTP/1.1 {status} ")
    headers = {name.lower(): value.strip() for name, value in (line.split(":", 1) for line in lines[1:])}
    assert headers["content-type"] == "application/json"
    assert headers["connection"] == "close"
    assert headers["x-request-id"].startswith("req_")
    error = json.loads(body)["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert error["code"] == code
    return error


def post_head(extra=""):
    return f"POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n{extra}\r\n".encode()


CHAT = json.dumps({"model": "m", "messages": [{"role": "user", "content": "hi"}]}).encode()

# Timeouts.


def test_a_connection_that_sends_nothing_gets_408_and_is_closed(server):
    started = time.monotonic()
    data = read_until_closed(connect(server))
    elapsed = time.monotonic() - started
    error = assert_error(data, 408, "request_timeout")
    assert "request head" in error["message"]
    assert 0.8 <= elapsed < 5


def test_a_head_that_trickles_in_gets_408_when_its_time_is_up(server):
    # A byte every 0.2 s keeps the connection busy, but the head's whole time is one second.
    sock = connect(server, b"POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n")
    started = time.monotonic()
    while not select.select([sock], [], [], 0.2)[0]:
        sock.sendall(b"X")
        assert time.monotonic() - started < 5, "no reply while the head trickled in"
    elapsed = time.monotonic() - started
    assert_error(read_until_closed(sock), 408, "request_timeout")
    assert 0.8 <= elapsed < 5


def test_a_stalled_body_gets_408(server):
    sock = connect(server, post_head("Content-Length: 100\r\n") + b'{"model": "m", ')
    started = time.monotonic()
    data = read_until_closed(sock)
    elapsed = time.monotonic() - started
    error = assert_error(data, 408, "request_timeout")
    assert "request body" in error["message"]
    assert 0.8 <= elapsed < 5


def test_a_later_request_has_its_head_time_from_its_first_byte(server):
    sock = connect(server, b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
    head, _ = Responses(sock).next()
    assert head.startswith("HTTP/1.1 200")
    # Idle for longer than the head timeout but within the keep-alive timeout: still open.
    time.sleep(1.4)
    sock.sendall(b"GET /health HTTP/1.1\r\n")
    started = time.monotonic()
    data = read_until_closed(sock)
    assert_error(data, 408, "request_timeout")
    assert 0.8 <= time.monotonic() - started < 5


def test_an_idle_keep_alive_connection_is_closed_quietly(server):
    sock = connect(server, b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
    Responses(sock).next()
    started = time.monotonic()
    assert read_until_closed(sock) == b""
    assert 1.6 <= time.monotonic() - started < 6


def test_pipelined_requests_are_answered_in_order(server):
    sock = connect(server, b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n" * 2 + post_head(f"Content-Length: {len(CHAT)}\r\n") + CHAT)
    responses = Responses(sock)
    answers = [responses.next() for _ in range(3)]
    sock.close()
    assert [head.split("\r\n")[0] for head, _ in answers] == ["HTTP/1.1 200 OK"] * 3
    assert json.loads(answers[2][1])["object"] == "chat.completion"


# HTTP framing.


def test_malformed_chunk_framing_is_400(server):
    data = read_until_closed(connect(server, post_head("Transfer-Encoding: chunked\r\n") + b"zz\r\n{}\r\n0\r\n\r\n"))
    error = assert_error(data, 400, "malformed_request")
    assert "chunk" in error["message"]


def test_http_1_1_without_host_is_400(server):
    data = read_until_closed(connect(server, b"GET /health HTTP/1.1\r\n\r\n"))
    assert_error(data, 400, "invalid_host_header")


def test_http_1_0_needs_no_host(server):
    data = read_until_closed(connect(server, b"GET /health HTTP/1.0\r\n\r\n"))
    assert data.startswith(b"HTTP/1.1 200")
    assert json.loads(data.split(b"\r\n\r\n", 1)[1])["status"] == "healthy"


@pytest.mark.parametrize("coding", ["gzip", "gzip, chunked", "deflate"])
def test_a_transfer_coding_other_than_chunked_is_501(server, coding):
    data = read_until_closed(connect(server, post_head(f"Transfer-Encoding: {coding}\r\n") + b"5\r\nhello\r\n0\r\n\r\n"))
    error = assert_error(data, 501, "unsupported_transfer_encoding")
    assert coding in error["message"]


def test_chunked_before_another_coding_is_400(server):
    # The body's length cannot be known: RFC 9112 section 6.3 requires a 400, and the decoder
    # rejects the head as malformed.
    data = read_until_closed(connect(server, post_head("Transfer-Encoding: chunked, gzip\r\n") + b"5\r\nhello\r\n0\r\n\r\n"))
    assert_error(data, 400, "malformed_request")


def test_a_chunk_declared_over_the_limit_is_413_before_its_data(server):
    sock = connect(server, post_head("Transfer-Encoding: chunked\r\n") + b"10001\r\n")
    started = time.monotonic()
    data = read_until_closed(sock)
    error = assert_error(data, 413, "request_too_large")
    assert "65536 bytes" in error["message"]
    # Answered on the size line, not when the body timeout ran out.
    assert time.monotonic() - started < 0.9


def test_chunks_that_add_up_to_more_than_the_limit_are_413(server):
    sock = connect(server, post_head("Transfer-Encoding: chunked\r\n") + b"8000\r\n" + b"x" * 0x8000 + b"\r\n8001\r\n")
    assert_error(read_until_closed(sock), 413, "request_too_large")


def test_chunked_bodies_within_the_limit_are_served(server):
    def pieces():
        yield CHAT[:10]
        yield CHAT[10:]

    response = httpx.post(server.url + "/v1/chat/completions", content=pieces(), headers={"content-type": "application/json"})
    assert response.status_code == 200
    assert response.json()["choices"][0]["message"]["content"] == "This is a mock response from Lyrebird."
    # Chunk extensions and trailers, then a second request on the same connection.
    body = b"%x;name=value\r\n%s\r\n0\r\nx-trailer: 1\r\n\r\n" % (len(CHAT), CHAT)
    sock = connect(server, post_head("Transfer-Encoding: chunked\r\n") + body + b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
    responses = Responses(sock)
    first, _ = responses.next()
    second, _ = responses.next()
    sock.close()
    assert first.startswith("HTTP/1.1 200") and second.startswith("HTTP/1.1 200")


# The connection limit.


def test_idle_connections_beyond_the_limit_do_not_lock_out_a_client(tmp_path):
    server = start(tmp_path, "settings:\n  max_connections: 20\n  max_connections_per_address: 100\n  header_timeout_seconds: 10\n")
    try:
        idle = []
        for _ in range(40):
            idle.append(connect(server))
            time.sleep(0.005)
        # The twenty beyond the limit made room by closing those idle the longest, at once.
        time.sleep(0.5)
        closed = [sock for sock in idle if closed_without_reply(sock)]
        assert len(closed) == 20
        assert closed == idle[:20]
        # A client with no retries gets in meanwhile, making room the same way.
        client = openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=0)
        reply = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
        assert reply.choices[0].message.content == "This is a mock response from Lyrebird."
        time.sleep(0.3)
        assert [closed_without_reply(sock) for sock in idle[20:]].count(True) == 1
    finally:
        assert server.stop() == 0
    log = server.process.stderr.read()
    assert log.count("connections closed by the host") == 1
    assert "1 idle connection closed to make room (max_connections reached)" in log


def test_when_no_connection_is_idle_a_new_one_is_closed_at_once(tmp_path):
    server = start(tmp_path, "settings:\n  max_connections: 20\n  max_connections_per_address: 100\n  header_timeout_seconds: 10\n")
    try:
        busy = [connect(server, b"GET /health HTTP/1.1\r\n") for _ in range(20)]
        time.sleep(0.3)
        started = time.monotonic()
        extra = [connect(server) for _ in range(5)]
        assert all(closed_without_reply(sock, wait=2) for sock in extra)
        assert time.monotonic() - started < 2
        assert not any(closed_without_reply(sock) for sock in busy)
        # The connections kept are served as usual.
        busy[0].sendall(b"Host: localhost\r\n\r\n")
        head, _ = Responses(busy[0]).next()
        assert head.startswith("HTTP/1.1 200")
    finally:
        assert server.stop() == 0
    log = server.process.stderr.read()
    assert log.count("connections closed by the host") == 1
    assert "1 new connection refused (max_connections reached, none could be closed)" in log


def test_the_default_limit_keeps_a_quarter_of_the_descriptor_limit(tmp_path):
    # The defect this guards against: 300 idle connections under a 256-descriptor limit used to
    # exhaust the descriptors and lock every client out.
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    server = start(
        tmp_path,
        "settings:\n  header_timeout_seconds: 10\n",
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard)),
    )
    try:
        # From ten addresses, none of them past its own limit (48, a quarter of 192).
        idle = [connect(server, source=f"127.0.3.{n % 10 + 1}") for n in range(300)]
        time.sleep(1)
        closed = [sock for sock in idle if closed_without_reply(sock)]
        assert len(closed) == 300 - 192
        client = openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=0)
        assert client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}]).choices
    finally:
        assert server.stop() == 0
    assert "closed to make room (max_connections reached)" in server.process.stderr.read()


# Shutdown.

WORDS = " ".join(["word"] * 40)  # 40 tokens: two seconds at 20 tokens per second
STREAM_CONFIG = """
settings:
  shutdown_grace_seconds: {grace}
fixtures:
  - timing: {{first_token_ms: 0, tokens_per_second: 20}}
    reply: {{content: "{content}"}}
"""


def start_stream(server):
    body = json.dumps({"model": "m", "stream": True, "messages": [{"role": "user", "content": "hi"}]}).encode()
    sock = connect(server, post_head(f"Content-Length: {len(body)}\r\n") + body)
    assert sock.recv(65536).startswith(b"HTTP/1.1 200")
    return sock


def test_sigterm_lets_a_stream_finish_then_exits_0(tmp_path):
    server = start(tmp_path, STREAM_CONFIG.format(grace=10, content=WORDS))
    client = openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=0)
    stream = client.chat.completions.create(model="m", stream=True, messages=[{"role": "user", "content": "hi"}])
    text = ""
    for chunk in stream:
        if not text and chunk.choices and chunk.choices[0].delta.content:
            server.process.send_signal(signal.SIGTERM)
            signalled = time.monotonic()
            # The host stops accepting at once, while the stream goes on.
            with pytest.raises(ConnectionRefusedError):
                for _ in range(20):
                    connect(server).close()
                    time.sleep(0.05)
        if chunk.choices:
            text += chunk.choices[0].delta.content or ""
    assert text == WORDS
    assert server.process.wait(timeout=10) == 0
    assert time.monotonic() - signalled < 8


def test_the_grace_ends_what_remains_and_exits_0(tmp_path):
    server = start(tmp_path, STREAM_CONFIG.format(grace=1, content=" ".join(["word"] * 400)))
    sock = start_stream(server)
    server.process.send_signal(signal.SIGTERM)
    started = time.monotonic()
    data = read_until_closed(sock)
    assert server.process.wait(timeout=10) == 0
    assert 0.8 <= time.monotonic() - started < 6
    assert b"[DONE]" not in data


@pytest.mark.parametrize("sig, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_second_signal_exits_at_once(tmp_path, sig, status):
    server = start(tmp_path, STREAM_CONFIG.format(grace=30, content=" ".join(["word"] * 400)))
    sock = start_stream(server)
    server.process.send_signal(sig)
    time.sleep(0.3)
    server.process.send_signal(sig)
    started = time.monotonic()
    assert server.process.wait(timeout=5) == status
    assert time.monotonic() - started < 2
    sock.close()


def hold_every_pool_thread(tmp_path, grace):
    """A server whose cooperative pool is held whole by plugin calls that do not return."""
    library = compile_plugin(TEST_PLUGINS / "stuck_decode.c", tmp_path)
    server = start(tmp_path, f"settings:\n  shutdown_grace_seconds: {grace}\n", extra=["--plugin", str(library)])
    body = b"{}"
    held = [connect(server, b"POST /stuck HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + f"Content-Length: {len(body)}\r\n\r\n".encode() + body) for _ in range((os.cpu_count() or 1) + 1)]
    time.sleep(1)
    # Held indeed: a plain request gets no answer.
    probe = connect(server, b"GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n")
    probe.settimeout(1)
    with pytest.raises(TimeoutError):
        probe.recv(1)
    return server, held + [probe]


def test_a_server_whose_threads_are_all_held_still_exits_0_after_the_grace(tmp_path):
    server, held = hold_every_pool_thread(tmp_path, grace=1)
    try:
        server.process.send_signal(signal.SIGTERM)
        started = time.monotonic()
        assert server.process.wait(timeout=20) == 0
        # The grace, then the margin the server has to close what remains by itself.
        assert 5 <= time.monotonic() - started < 15
        assert "had not stopped 5.0 seconds after its 1.0 seconds grace" in server.process.stderr.read()
    finally:
        release(server, held)


def test_a_second_signal_exits_at_once_even_when_every_thread_is_held(tmp_path):
    server, held = hold_every_pool_thread(tmp_path, grace=30)
    try:
        server.process.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        server.process.send_signal(signal.SIGTERM)
        started = time.monotonic()
        assert server.process.wait(timeout=5) == 143
        assert time.monotonic() - started < 2
    finally:
        release(server, held)


def release(server, held):
    """Ends a held server whatever the test found (a failed stop leaves it sleeping otherwise)."""
    if server.process.poll() is None:
        server.process.kill()
        server.process.wait()
    for sock in held:
        sock.close()


def test_idle_and_stalled_connections_do_not_hold_up_shutdown(tmp_path):
    server = start(tmp_path, "settings:\n  header_timeout_seconds: 60\n  body_timeout_seconds: 60\n  shutdown_grace_seconds: 2\n")
    idle = [connect(server) for _ in range(3)] + [connect(server, b"GET /health HTTP/1.1\r\n")]
    stalled = connect(server, post_head("Content-Length: 100\r\n") + b"{")
    time.sleep(0.3)
    server.process.send_signal(signal.SIGTERM)
    started = time.monotonic()
    # Nothing is owed to a connection without a whole request head: it closes at once.
    assert all(closed_without_reply(sock, wait=1) for sock in idle)
    # A request in flight gets the grace, and no more.
    assert read_until_closed(stalled) == b""
    assert 1.6 <= time.monotonic() - started < 6
    assert server.process.wait(timeout=10) == 0
    for sock in idle:
        sock.close()
