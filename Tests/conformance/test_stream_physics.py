"""How replies leave the server: timed fixtures keep their schedule, events that are ready
together leave in one write, and an oversized body is refused before it is sent.

Bounds are generous on purpose: these tests assert that the schedule is followed, never exact
times."""

import json
import socket
import time

import openai
import pytest

from conftest import Server

# 16 characters per stream piece: each content chunk is "abc abc abc abc " = 4 tokens.
WORDS = "abc " * 24
CONFIG = f"""
settings:
  max_body_bytes: 65536
fixtures:
  - match: {{user: paced}}
    timing: {{first_token_ms: 300, tokens_per_second: 100}}
    reply: {{content: "{WORDS.strip()}"}}
  - match: {{user: burst}}
    reply:
      lua_inline: |
        function respond(req, reply)
          for i = 1, 60 do reply:text("piece " .. i .. " ") end
        end
  - match: {{user: slow}}
    reply:
      lua_inline: |
        function respond(req, reply)
          for i = 1, 4 do reply:text("tick " .. i .. " ") reply:pause(60) end
        end
  - reply: {{content: "{WORDS.strip()}"}}
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    config = tmp_path_factory.mktemp("physics") / "physics.yaml"
    config.write_text(CONFIG)
    server = Server(["--config", str(config)])
    yield server
    server.stop()


def raw_request(server, body: bytes, extra_headers: str = "") -> socket.socket:
    host, port = server.url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    head = (
        "POST /v1/chat/completions HTTP/1.1\r\n"
        f"Host: {host}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"{extra_headers}"
        "Connection: close\r\n\r\n"
    )
    sock.sendall(head.encode() + body)
    return sock


def read_chunked(sock: socket.socket, started: float):
    """Reads a whole response; returns its head, and each body chunk with its arrival time
    counted from `started`."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, rest = data.split(b"\r\n\r\n", 1)
    buffer = rest
    chunks = []
    while True:
        while b"\r\n" not in buffer:
            more = sock.recv(65536)
            assert more, "connection closed inside the chunked body"
            buffer += more
        size_line, buffer = buffer.split(b"\r\n", 1)
        size = int(size_line, 16)
        while len(buffer) < size + 2:
            more = sock.recv(65536)
            assert more, "connection closed inside a chunk"
            buffer += more
        if size == 0:
            return head.decode(), chunks
        chunks.append((time.monotonic() - started, buffer[:size]))
        buffer = buffer[size + 2 :]


def chat_body(user: str, stream: bool = True) -> bytes:
    return json.dumps({"model": "m", "stream": stream, "messages": [{"role": "user", "content": user}]}).encode()


def content_events(chunks):
    events = []
    for arrived, data in chunks:
        for event in data.decode().split("\n\n"):
            if event.startswith("data: {") and '"content":"' in event:
                events.append((arrived, json.loads(event[6:])))
    return events


def test_a_timed_stream_keeps_its_schedule(server):
    sent = time.monotonic()
    sock = raw_request(server, chat_body("paced"))
    head, chunks = read_chunked(sock, sent)
    sock.close()
    assert "transfer-encoding: chunked" in head.lower()
    events = content_events(chunks)
    text = "".join(event["choices"][0]["delta"].get("content", "") for _, event in events)
    assert text == WORDS.strip()
    pieces = len(events)
    assert pieces >= 6
    arrivals = [at for at, _ in events]
    # The first token waits 300 ms; each 4-token piece then takes 40 ms at 100 tokens/s.
    assert arrivals[0] >= 0.28
    assert arrivals[-1] - arrivals[0] >= (pieces - 1) * 0.04 * 0.9
    # Pieces leave one by one on their schedule, not in one burst.
    assert len({round(at, 2) for at in arrivals}) >= pieces // 2


def test_a_timed_whole_reply_waits_for_its_last_token(server):
    client = openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=0)
    started = time.monotonic()
    reply = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "paced"}])
    elapsed = time.monotonic() - started
    assert reply.choices[0].message.content == WORDS.strip()
    # 300 ms to the first token, then 24 tokens at 100 tokens/s.
    assert elapsed >= 0.3 + 0.2


def test_events_ready_together_leave_in_one_write(server):
    sock = raw_request(server, chat_body("burst"))
    head, chunks = read_chunked(sock, time.monotonic())
    sock.close()
    events = content_events(chunks)
    assert len(events) == 60
    # Sixty events emitted back to back: a handful of writes, not one per event.
    assert len(chunks) <= 5


def test_paused_events_leave_when_they_are_emitted(server):
    sock = raw_request(server, chat_body("slow"))
    head, chunks = read_chunked(sock, time.monotonic())
    sock.close()
    events = content_events(chunks)
    assert [event["choices"][0]["delta"]["content"] for _, event in events] == [f"tick {i} " for i in range(1, 5)]
    # Each tick is its own write: a pause between events flushes what came before it.
    assert len(chunks) >= 4
    assert events[-1][0] - events[0][0] >= 3 * 0.06 * 0.9


def test_a_ready_stream_is_one_body(server):
    sock = raw_request(server, chat_body("anything"))
    data = b""
    while True:
        more = sock.recv(65536)
        if not more:
            break
        data += more
    sock.close()
    head, body = data.split(b"\r\n\r\n", 1)
    assert b"content-length: %d" % len(body) in head.lower()
    assert body.endswith(b"data: [DONE]\n\n")


def test_a_declared_length_over_the_limit_is_refused_before_the_body(server):
    host, port = server.url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=5)
    sock.sendall(
        (
            "POST /v1/chat/completions HTTP/1.1\r\n"
            f"Host: {host}\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n"
        ).encode()
    )
    started = time.monotonic()
    data = sock.recv(65536)
    sock.close()
    assert data.startswith(b"HTTP/1.1 413")
    assert b"65536 bytes" in data
    assert time.monotonic() - started < 4
