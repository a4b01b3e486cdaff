"""Scripts that used to keep a thread forever or take the host down, through the real binary:
each now gets an error reply naming the limit (or the refusal), other clients are answered
meanwhile, the process is idle afterwards, and it still stops on SIGTERM."""

import concurrent.futures
import os
import signal
import time

import httpx
import openai
import pytest

from conftest import Server

# Small limits keep each hostile call short.
CONFIG = """
settings:
  lua_instruction_limit: 2000000
  lua_time_limit_ms: 1000
  script_threads: 2
fixtures:
  - match: {user: pcall-loop}
    reply: {lua_inline: "function respond(req) while true do pcall(function() while true do end end) end end"}
  - match: {user: xpcall-loop}
    reply: {lua_inline: "function respond(req) while true do xpcall(function() while true do end end, function(m) while true do end end) end end"}
  - match: {user: finalizer-then-allocate}
    reply: {lua_inline: "function respond(req) setmetatable({}, {__gc = function() while true do end end}) local t = {} for i = 1, 100000 do t[i] = {} end end"}
  - match: {user: finalizer-armed}
    reply: {lua_inline: "function respond(req) setmetatable({}, {__gc = function() while true do end end}) return 'armed' end"}
  - match: {user: empty-rep}
    reply: {lua_inline: "function respond(req) while true do local s = string.rep('', math.maxinteger) end end"}
  - match: {user: table-move}
    reply: {lua_inline: "function respond(req) return table.move({}, 1, math.maxinteger - 1, 1, {}) end"}
  - match: {user: backtracking}
    reply: {lua_inline: "function respond(req) return ('x'):rep(100000):find(string.rep('.-', 20) .. 'y') end"}
  - match: {user: copying}
    reply: {lua_inline: "function respond(req) local s = ('x'):rep(4000000) while true do local t = s .. 'y' end end"}
  - match: {user: echo}
    reply: {lua_inline: "function respond(req) return 'echo ' .. req.last_user end"}
  - match: {model: whole-request}
    reply: {lua_inline: "function respond(req) return tostring(#req.messages) end"}
  - match: {model: predicate-model, lua: "return #req.messages > 0"}
    reply: {content: "the predicate matched"}
  - match: {user: static}
    reply: {content: "a static reply"}
  - reply: {content: "the fallback"}
"""

INSTRUCTIONS = "instruction limit exceeded (lua_instruction_limit: 2000000 instructions per call)"
FINALIZERS = "metatables with __gc are not allowed"

HOSTILE = [
    ("pcall-loop", INSTRUCTIONS),
    ("xpcall-loop", INSTRUCTIONS),
    ("finalizer-then-allocate", FINALIZERS),
    ("finalizer-armed", FINALIZERS),
    ("empty-rep", INSTRUCTIONS),
    ("table-move", INSTRUCTIONS),
    ("backtracking", INSTRUCTIONS),
    ("copying", "time limit exceeded (lua_time_limit_ms: 1000 ms per call)"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    config = tmp_path_factory.mktemp("limits") / "limits.yaml"
    config.write_text(CONFIG)
    server = Server(["--config", str(config)])
    yield server
    server.stop()


def chat(server, content, model="m", messages=None, timeout=60):
    body = {"model": model, "messages": messages or [{"role": "user", "content": content}]}
    response = httpx.post(server.base_url + "/chat/completions", json=body, timeout=timeout)
    return response.status_code, response.json()


def content(reply):
    return reply["choices"][0]["message"]["content"]


def cpu_seconds(pid):
    """User and system CPU time the process has used so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def assert_idle(server):
    before = cpu_seconds(server.process.pid)
    time.sleep(1)
    used = cpu_seconds(server.process.pid) - before
    # A thread still spinning would use about a second.
    assert used < 0.3, f"the server used {used:.2f} s of CPU in an idle second"


@pytest.mark.parametrize("trigger, reason", HOSTILE)
def test_a_hostile_script_gets_an_error_and_leaves_nothing_running(server, trigger, reason):
    status, reply = chat(server, trigger)
    assert status == 500
    assert reply["error"]["code"] == "lua_error"
    assert reason in reply["error"]["message"]
    assert content(chat(server, "echo still here")[1]) == "echo echo still here"
    assert_idle(server)


def test_other_clients_are_answered_while_scripts_run_to_their_limits(server):
    def timed_chat(user):
        result = chat(server, user)
        return result, time.monotonic()

    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        # Three calls that each hold a script thread for their whole time limit, on two threads:
        # the last can only start when one of the first two has ended.
        hostile = [pool.submit(timed_chat, "copying") for _ in range(3)]
        time.sleep(0.3)
        static_status, static_reply = chat(server, "static please")
        health = httpx.get(server.url + "/health", timeout=10)
        answered = time.monotonic()
        results = [future.result() for future in hostile]
    assert static_status == 200 and content(static_reply) == "a static reply"
    assert health.status_code == 200
    assert all(status == 500 and "time limit exceeded" in reply["error"]["message"] for (status, reply), _ in results)
    # The static reply and the health check did not wait for the scripts: they were answered
    # before the script threads were free again.
    assert answered < max(done for _, done in results)
    assert_idle(server)


def huge_conversation():
    """80,000 messages: about 2.4 MB of JSON, far more than a 16 MiB Lua state holds as tables."""
    return [{"role": "user", "content": "hi"}] * 80_000


def test_a_request_too_big_for_a_lua_state_is_an_error_naming_the_limit(server):
    status, reply = chat(server, None, model="whole-request", messages=huge_conversation(), timeout=120)
    assert status == 500
    message = reply["error"]["message"]
    assert "lua_memory_limit_bytes" in message and "16777216" in message
    assert content(chat(server, "small", model="whole-request")[1]) == "1"
    assert_idle(server)


def test_a_request_too_big_for_a_predicate_does_not_match(server):
    status, reply = chat(server, None, model="predicate-model", messages=huge_conversation(), timeout=120)
    assert status == 200 and content(reply) == "the fallback"
    assert content(chat(server, "small", model="predicate-model")[1]) == "the predicate matched"
    assert_idle(server)


def test_requests_that_cannot_get_a_script_thread_in_time_get_a_503(tmp_path):
    config = tmp_path / "busy.yaml"
    config.write_text(
        """
settings: {script_threads: 1, script_queue_timeout_ms: 200, lua_time_limit_ms: 1500, lua_instruction_limit: 2000000000}
fixtures:
  - match: {user: spin}
    reply: {lua_inline: "function respond(req) while true do end end"}
  - match: {user: quick}
    reply: {lua_inline: "function respond(req) return 'quick' end"}
  - reply: {content: static}
"""
    )
    busy = Server(["--config", str(config)])
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            spinning = pool.submit(chat, busy, "spin")
            time.sleep(0.4)
            status, reply = chat(busy, "quick")
            assert status == 503
            assert reply["error"]["code"] == "scripts_busy"
            assert "script_queue_timeout_ms" in reply["error"]["message"]
            assert content(chat(busy, "anything")[1]) == "static"
            assert spinning.result()[0] == 500
        assert content(chat(busy, "quick")[1]) == "quick"
    finally:
        assert stops_on_sigterm(busy)


@pytest.mark.parametrize("piece", [16, 1_000_000])
def test_a_long_non_ascii_reply_streams_in_pieces_of_any_size(tmp_path, piece):
    # 1.6 million characters: cutting them into pieces of a million used to cost the square of
    # that, and kept a core busy for minutes after the client had left.
    config = tmp_path / "long.yaml"
    config.write_text(
        f"""
settings: {{stream_chunk_characters: {piece}}}
fixtures:
  - reply: {{lua_inline: "function respond(req) return ('\\u00e9' .. ('x'):rep(80) .. ' '):rep(20000) end"}}
"""
    )
    long = Server(["--config", str(config)])
    try:
        client = openai.OpenAI(base_url=long.base_url, api_key="k", max_retries=0, timeout=60)
        stream = client.chat.completions.create(model="m", stream=True, messages=[{"role": "user", "content": "long"}])
        pieces = [chunk.choices[0].delta.content for chunk in stream if chunk.choices and chunk.choices[0].delta.content]
        assert "".join(pieces) == ("\u00e9" + "x" * 80 + " ") * 20000
        assert max(len(text) for text in pieces) <= 2 * piece and len(pieces) >= 1_660_000 // (2 * piece)
        assert_idle(long)
    finally:
        assert stops_on_sigterm(long)


def stops_on_sigterm(server):
    server.process.send_signal(signal.SIGTERM)
    try:
        server.process.wait(timeout=15)
    except Exception:
        server.process.kill()
        server.process.wait()
        return False
    return server.process.returncode == 0


def test_the_server_still_stops_on_sigterm(server):
    # A last hostile call, so that a script thread has just been stopped.
    chat(server, "pcall-loop")
    assert stops_on_sigterm(server)
