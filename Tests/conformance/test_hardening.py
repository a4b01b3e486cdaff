"""The second hostile probe, each defect as it was found, through the real binary: a rebinding
guard fooled by names that look like addresses, fixtures that pin memory, connection slots an
idle or trickling client could hold, work that outlived its client, request bytes no bound
held, and protocol details. Each test runs the hostile client, checks that a well-behaved client
is answered meanwhile, and that the host gives its memory and descriptors back.

Limits are lowered in these configurations (and `ulimit -n` where the connection limit must be
reachable) so that the hostile thing is cheap to send; the bounds asserted are generous."""

import base64
import json
import os
import resource
import select
import socket
import struct
import threading
import time

import httpx
import pytest

from conftest import Server


def start(tmp_path, text, descriptors=None):
    config = tmp_path / "hardening.yaml"
    config.write_text(text)
    preexec = None
    if descriptors:
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        preexec = lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (descriptors, hard))  # noqa: E731
    return Server(["--config", str(config)], preexec_fn=preexec)


def address(server):
    host, port = server.url.removeprefix("http://").split(":")
    return host, int(port)


def connect(server, data=b"", source="127.0.0.1"):
    sock = socket.create_connection(address(server), timeout=10, source_address=(source, 0))
    if data:
        sock.sendall(data)
    return sock


def closed(sock, wait=0.0):
    """Whether the server has closed the connection (within `wait` seconds)."""
    readable, _, _ = select.select([sock], [], [], wait)
    if not readable:
        return False
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                return True
            readable, _, _ = select.select([sock], [], [], wait)
            if not readable:
                return False
    except (ConnectionResetError, BrokenPipeError):
        return True


def read_all(sock, timeout=10):
    sock.settimeout(timeout)
    data = b""
    try:
        while True:
            more = sock.recv(65536)
            if not more:
                break
            data += more
    except (ConnectionResetError, socket.timeout):
        pass
    return data


def healthy(server, source="127.0.0.9"):
    """A well-behaved client, on an address of its own, is answered."""
    with httpx.Client(transport=httpx.HTTPTransport(local_address=source), timeout=10) as client:
        return client.get(server.url + "/health").status_code == 200


def chat(server, content="hi", **extra):
    return httpx.post(
        server.base_url + "/chat/completions",
        json={"model": "m", "messages": [{"role": "user", "content": content}], **extra},
        timeout=30,
    )


def rss_mb(server):
    with open(f"/proc/{server.process.pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def descriptors(server):
    return len(os.listdir(f"/proc/{server.process.pid}/fd"))


def settle(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


# The admin surface: DNS rebinding.


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = start(tmp_path_factory.mktemp("hardening"), "settings:\n  admin_hosts: [mock.internal]\nfixtures: []\n")
    yield server
    server.stop()


NEAR_MISSES = [
    "127.attacker.example",
    "127.0.0.1.nip.io",
    "127.1.evil",
    "localhost.evil",
    "evil.localhost",
    "0x7f.1",
    "0x7f.0.0.1",
    "0177.0.0.1",
    "127.1",
    "2130706433",
    "127.0.0.1.",
    "localhost.",
    "127.0.0.256",
    "127.0.0.1:",
    "[::1",
    "::1",
    "[::ffff:127.0.0.1]",
    "mock.internal.evil",
]


@pytest.mark.parametrize("name", NEAR_MISSES)
def test_names_that_look_like_loopback_are_refused(server, name):
    port = address(server)[1]
    for host in [name, f"{name}:{port}"]:
        response = httpx.post(
            server.url + "/fixtures", content="reply: {content: pwned}\n", headers={"content-type": "application/yaml", "host": host}
        )
        assert response.status_code == 403, (host, response.text)
        assert response.json()["error"]["code"] == "admin_host_refused"
    assert httpx.get(server.url + "/fixtures").json()["data"] == []


@pytest.mark.parametrize("name", ["127.0.0.1", "127.8.9.10", "localhost", "LocalHost", "[::1]", "[0:0:0:0:0:0:0:1]", "mock.internal", "MOCK.internal"])
def test_literal_loopback_addresses_localhost_and_listed_hosts_pass(server, name):
    port = address(server)[1]
    for host in [name, f"{name}:{port}"]:
        assert httpx.get(server.url + "/journal", headers={"host": host}).status_code == 200, host


# The admin surface: memory per posted fixture.


def alias_bomb(copies=60, scalar_bytes=1_000_000):
    """About 1 MB of YAML whose one scalar is repeated `copies` times."""
    return (
        "match: {user: bomb}\nreply:\n  tool_calls:\n    - name: t\n      arguments:\n"
        f"        big: &big \"{'x' * scalar_bytes}\"\n"
        "        copies: [" + ", ".join(["*big"] * copies) + "]\n"
    )


def post_yaml(server, body):
    return httpx.post(server.url + "/fixtures", content=body, headers={"content-type": "application/yaml"}, timeout=30)


def test_a_fixture_that_expands_past_max_fixture_bytes_is_413_and_pins_nothing(tmp_path):
    server = start(tmp_path, "settings:\n  max_body_bytes: 2000000\nfixtures: []\n")
    try:
        before = rss_mb(server)
        for _ in range(6):
            response = post_yaml(server, alias_bomb())
            assert response.status_code == 413, response.text
            error = response.json()["error"]
            assert error["code"] == "fixture_too_large"
            assert "settings.max_fixture_bytes (8388608)" in error["message"]
        assert healthy(server)
        assert httpx.get(server.url + "/fixtures").json()["data"] == []
        # Six of them took the host to 4.4 GB; now each is refused while its events are counted.
        assert rss_mb(server) - before < 200
        # The same text without its copies is an ordinary fixture.
        response = post_yaml(server, alias_bomb(copies=1))
        assert response.status_code == 201, response.text
    finally:
        server.stop()


def test_run_time_fixtures_are_bounded_in_number_and_in_size_together(tmp_path):
    server = start(tmp_path, "settings:\n  max_runtime_fixtures: 3\n  max_runtime_fixture_bytes: 300000\nfixtures: []\n")
    try:
        ids = []
        for number in range(3):
            response = post_yaml(server, f"match: {{user: n{number}}}\nreply: {{content: ok}}\n")
            assert response.status_code == 201, response.text
            ids.append(response.json()["id"])
        response = post_yaml(server, "reply: {content: one too many}\n")
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "too_many_fixtures"
        assert "settings.max_runtime_fixtures" in response.json()["error"]["message"]
        for fixture_id in ids:
            assert httpx.delete(f"{server.url}/fixtures/{fixture_id}").status_code == 200
        # 200 KB each: the second would pass the 300,000 bytes they may take together.
        big = "reply: {content: \"" + "y" * 200_000 + "\"}\n"
        first = post_yaml(server, big)
        assert first.status_code == 201, first.text
        response = post_yaml(server, big)
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "fixture_store_full"
        assert "settings.max_runtime_fixture_bytes (300000)" in response.json()["error"]["message"]
        # Deleting one makes room again.
        assert httpx.delete(f"{server.url}/fixtures/{first.json()['id']}").status_code == 200
        assert post_yaml(server, big).status_code == 201
    finally:
        server.stop()


# Connection slots.


def upgrade(server, path="/v1/responses", source="127.0.0.1"):
    """A raw WebSocket connection, upgraded."""
    key = base64.b64encode(os.urandom(16)).decode()
    sock = connect(
        server,
        (
            f"GET {path} HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode(),
        source=source,
    )
    head = b""
    while b"\r\n\r\n" not in head:
        more = sock.recv(1)
        assert more, head
        head += more
    assert head.startswith(b"HTTP/1.1 101"), head
    return sock


def frame(opcode, payload, fin=True, masked=True):
    head = bytes([(0x80 if fin else 0) | opcode])
    length = len(payload)
    mask_bit = 0x80 if masked else 0
    if length < 126:
        head += bytes([mask_bit | length])
    elif length < 65536:
        head += bytes([mask_bit | 126]) + struct.pack("!H", length)
    else:
        head += bytes([mask_bit | 127]) + struct.pack("!Q", length)
    if not masked:
        return head + payload
    key = os.urandom(4)
    return head + key + bytes(byte ^ key[index % 4] for index, byte in enumerate(payload))


def close_code(sock, timeout=5):
    """The code of the close frame the server sends, or None if it closed without one."""
    data = read_all(sock, timeout)
    while len(data) >= 2:
        opcode, length = data[0] & 0x0F, data[1] & 0x7F
        if opcode == 8:
            return struct.unpack("!H", data[2:4])[0] if length >= 2 else None
        data = data[2 + length :]
    return None


def test_one_address_cannot_take_every_slot(tmp_path):
    # 128 descriptors: 64 connections, 16 of them for one address.
    server = start(tmp_path, "settings:\n  header_timeout_seconds: 30\n", descriptors=128)
    try:
        hostile = [connect(server, b"G") for _ in range(64)]
        time.sleep(0.5)
        still_open = [sock for sock in hostile if not closed(sock)]
        assert len(still_open) <= 16
        for source in ["127.0.0.2", "127.0.0.3", "127.0.0.4"]:
            assert healthy(server, source)
        for sock in hostile:
            sock.close()
    finally:
        assert server.stop() == 0
    log = server.process.stderr.read()
    assert "max_connections_per_address" in log
    assert " error " not in log


def raw_chat(server, content, source="127.0.0.1"):
    """A connection that has sent a whole chat request asking for `content`."""
    body = json.dumps({"model": "m", "messages": [{"role": "user", "content": content}]}).encode()
    head = "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
    return connect(server, f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body, source)


def held_request(server, source):
    """A client whose request is answered only after 30 s: it keeps its slot busy."""
    return raw_chat(server, "hold", source)


def test_a_full_host_reclaims_idle_then_stalled_heads_then_idle_websockets(tmp_path):
    server = start(
        tmp_path,
        "settings:\n  header_timeout_seconds: 30\n  max_connections: 12\n  max_connections_per_address: 100\n"
        "  shutdown_grace_seconds: 1\n"
        "fixtures:\n  - match: {user: hold}\n    timing: {first_token_ms: 30000}\n    reply: {content: late}\n",
    )
    try:
        # Apart by a little, so that their order is the order the host saw them in.
        sockets, stalled, idle = [], [], []
        for _ in range(4):
            sockets.append(upgrade(server))
            time.sleep(0.05)
        for _ in range(4):
            stalled.append(connect(server, b"GET /health HTTP/1.1\r\nHost: l"))
            time.sleep(0.05)
        for _ in range(4):
            idle.append(connect(server))
            time.sleep(0.05)
        time.sleep(2.5)  # the stalled heads pass their grace
        # Each new client makes room and keeps it: the idle connections go first, then the
        # stalled heads, then the WebSockets, each group the oldest first.
        busy = []
        for name, group in [("idle", idle), ("stalled", stalled), ("websocket", sockets)]:
            for index in range(4):
                busy.append(held_request(server, "127.0.0.2"))
                assert settle(lambda: closed(group[index]), 5), (name, index)
                assert not any(closed(sock) for sock in group[index + 1 :]), (name, index)
        # With every slot serving, a new connection is refused at once.
        late = connect(server, source="127.0.0.3")
        assert closed(late, wait=2)
        assert not any(closed(sock) for sock in busy)
    finally:
        assert server.stop() == 0
    log = server.process.stderr.read()
    assert "closed to make room" in log


def test_an_idle_websocket_is_closed_with_1013_to_make_room(tmp_path):
    server = start(tmp_path, "settings:\n  max_connections: 3\n  max_connections_per_address: 100\n")
    try:
        sockets = [upgrade(server) for _ in range(3)]
        assert healthy(server)
        assert close_code(sockets[0]) == 1013
        assert not closed(sockets[1]) and not closed(sockets[2])
    finally:
        server.stop()


def test_half_sent_heads_cannot_hold_a_full_host(tmp_path):
    # The probe: `max_connections` sockets renewing one byte of a head every few seconds.
    server = start(tmp_path, "settings:\n  header_timeout_seconds: 10\n", descriptors=128)
    try:
        sources = [f"127.0.1.{n}" for n in range(1, 9)]
        trickling = [connect(server, b"G", source) for source in sources for _ in range(8)]
        time.sleep(2.5)
        for sock in trickling:
            try:
                sock.sendall(b"E")
            except OSError:
                pass
        for number in range(5):
            assert healthy(server, f"127.0.2.{number + 1}")
        baseline = descriptors(server)
        for sock in trickling:
            sock.close()
        assert settle(lambda: descriptors(server) < baseline - 50)
    finally:
        assert server.stop() == 0


def test_a_whole_reply_waiting_for_its_first_token_ends_with_its_client(tmp_path):
    server = start(
        tmp_path,
        "settings:\n  header_timeout_seconds: 30\nfixtures:\n  - match: {user: slow}\n    timing: {first_token_ms: 60000}\n    reply: {content: late}\n",
    )
    try:
        port = address(server)[1]
        clients = [raw_chat(server, "slow") for _ in range(20)]
        time.sleep(0.5)
        for sock in clients:
            sock.shutdown(socket.SHUT_WR)
            sock.close()

        def close_wait():
            count = 0
            with open("/proc/net/tcp") as table:
                for line in list(table)[1:]:
                    fields = line.split()
                    local_port = int(fields[1].split(":")[1], 16)
                    if local_port == port and fields[3] == "08":
                        count += 1
            return count

        assert settle(lambda: close_wait() == 0, 5), close_wait()
        assert healthy(server)
        journal = httpx.get(server.url + "/journal").json()["data"]
        assert len(journal) == 20
    finally:
        assert server.stop() == 0


# Memory no request can pin.


def test_buffered_request_bytes_have_a_host_wide_bound(tmp_path):
    server = start(
        tmp_path,
        "settings:\n  max_body_bytes: 1048576\n  max_buffered_bytes: 2097152\n  body_timeout_seconds: 30\n  max_connections_per_address: 100\n",
    )
    try:
        head = b"POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n"
        holding = [connect(server, head + b"{" * 1000) for _ in range(2)]
        time.sleep(0.3)
        sock = connect(server, head)
        data = read_all(sock, 5)
        assert data.startswith(b"HTTP/1.1 503"), data[:200]
        error = json.loads(data.split(b"\r\n\r\n", 1)[1])["error"]
        assert error["code"] == "server_busy"
        assert "settings.max_buffered_bytes allows (2097152 bytes)" in error["message"]
        # A WebSocket message still arriving counts too: past the bound, 1013.
        ws = upgrade(server)
        ws.sendall(frame(1, b"x" * 200_000, fin=False))
        assert close_code(ws) == 1013
        # Once the held bodies go, the bytes are free again.
        for held in holding:
            held.close()
        time.sleep(0.3)
        assert chat(server).status_code == 200
    finally:
        server.stop()


def test_a_million_queued_pauses_stop_at_the_scripts_memory_limit(tmp_path):
    server = start(
        tmp_path,
        "settings:\n  lua_memory_limit_bytes: 4194304\n  lua_instruction_limit: 100000000\n  lua_time_limit_ms: 20000\n"
        "fixtures:\n  - reply:\n      lua_inline: |\n        function respond(req, reply)\n"
        "          for i = 1, 1000000 do reply:pause(1) end\n        end\n",
    )
    try:
        before = rss_mb(server)
        response = chat(server)
        assert response.status_code == 500
        assert "lua_memory_limit_bytes" in response.json()["error"]["message"]
        assert rss_mb(server) - before < 60
    finally:
        server.stop()


# Protocol details.


def test_an_h2c_upgrade_is_answered_over_http_1_1(server):
    sock = connect(
        server,
        b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
        b"HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n",
    )
    sock.settimeout(5)
    data = sock.recv(65536)
    sock.close()
    assert data.startswith(b"HTTP/1.1 200"), data
    assert b'"status":"healthy"' in data


def test_invalid_utf8_in_a_text_frame_closes_with_1007(server):
    ws = upgrade(server)
    ws.sendall(frame(1, b'{"type": "response.create", "model": "\xff\xfe"}'))
    assert close_code(ws) == 1007


def test_an_unmasked_client_frame_closes_the_connection(server):
    ws = upgrade(server)
    ws.sendall(frame(1, b'{"type": "response.create"}', masked=False))
    assert close_code(ws) == 1002
    assert healthy(server)


def test_http_0_9_gets_505_at_once(server):
    started = time.monotonic()
    data = read_all(connect(server, b"GET /health\r\n"))
    assert data.startswith(b"HTTP/1.1 505"), data
    assert time.monotonic() - started < 3


def test_a_bare_lf_request_line_gets_400(server):
    data = read_all(connect(server, b"GET /health HTTP/1.1\nHost: localhost\n\n"))
    assert data.startswith(b"HTTP/1.1 400"), data
    assert b"CR LF" in data


def test_an_early_413_closes_within_the_linger(server):
    started = time.monotonic()
    sock = connect(
        server, b"POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Length: 99999999\r\n\r\n" + b"x" * 1000
    )
    data = read_all(sock, 10)
    assert data.startswith(b"HTTP/1.1 413"), data
    assert b"connection: close" in data.lower()
    assert time.monotonic() - started < 4


def test_closed_connections_are_counted_not_logged_as_errors(tmp_path):
    server = start(tmp_path, "settings:\n  header_timeout_seconds: 0.3\n")
    try:
        quiet = [connect(server) for _ in range(20)]
        time.sleep(1)
        for sock in quiet:
            sock.close()
        assert healthy(server)
    finally:
        assert server.stop() == 0
    log = server.process.stderr.read()
    assert " error " not in log, log
    assert "upgrade" not in log.lower()
    assert log.count("connections closed by the host") == 1
    assert "20 head timeouts (408)" in log or "1 head timeout (408)" in log


def test_a_large_configuration_without_aliases_names_the_size_limit(tmp_path):
    config = tmp_path / "large.yaml"
    with open(config, "w") as out:
        out.write("fixtures:\n  - reply:\n      tool_calls:\n        - name: t\n          arguments:\n            items: [")
        out.write("1," * 1_000_001)
        out.write("1]\n")
    from conftest import run_lyrebird

    result = run_lyrebird("validate", str(config))
    assert result.returncode == 1
    assert "holds more than 1000000 values" in result.stdout + result.stderr
    assert "aliases" not in result.stdout + result.stderr
