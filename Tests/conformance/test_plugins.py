"""Native plugins through the real loader: the Anthropic Messages provider (a Swift .so), the
word-stats responder (a C .so), and every way a plugin can fail to load."""

import json
import os
import pathlib
import shutil
import subprocess
import time

import json

import anthropic
import httpx
import openai
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from conftest import FIXTURES, ROOT, Server, lyrebird_binary, run_lyrebird

BUILD = pathlib.Path(lyrebird_binary()).resolve().parent
ANTHROPIC_PLUGIN = BUILD / "libLyrebirdAnthropic.so"
WORD_STATS_PLUGIN = BUILD / "libLyrebirdWordStats.so"
HEADER_DIR = ROOT / "Sources" / "PluginAPI" / "C" / "include"
TEST_PLUGINS = pathlib.Path(__file__).resolve().parent / "plugins"


@pytest.fixture(scope="module")
def plugin_server():
    server = Server(
        ["--config", str(FIXTURES / "plugins.yaml"), "--plugin", str(ANTHROPIC_PLUGIN), "--plugin", str(WORD_STATS_PLUGIN)]
    )
    yield server
    server.stop()


@pytest.fixture(scope="module")
def claude(plugin_server):
    return anthropic.Anthropic(base_url=plugin_server.url, api_key="sk-ant-test", max_retries=0)


def ask(client, text, **extra):
    return client.messages.create(
        model="claude-lyrebird-test", max_tokens=100, messages=[{"role": "user", "content": text}], **extra
    )


def compile_plugin(source, directory, header_dir=HEADER_DIR):
    """Builds a C plugin with the system C compiler against the header alone."""
    compiler = shutil.which("cc") or shutil.which("clang") or shutil.which("gcc")
    assert compiler, "a C compiler is needed to build test plugins"
    output = pathlib.Path(directory) / (pathlib.Path(source).stem + ".so")
    subprocess.run(
        [compiler, "-shared", "-fPIC", "-O1", "-I", str(header_dir), "-I", str(pathlib.Path(source).parent / "include"),
         "-o", str(output), str(source)],
        check=True,
    )
    return output


# Anthropic SDK against the Swift plugin


def test_plain_message(claude):
    message = ask(claude, "hello there")
    assert message.type == "message"
    assert message.role == "assistant"
    assert message.model == "claude-lyrebird-test"
    assert message.id.startswith("msg_")
    assert [block.type for block in message.content] == ["text"]
    assert message.content[0].text == "Hello from Lyrebird!"
    assert message.stop_reason == "end_turn"
    assert message.stop_sequence is None
    assert message.usage.input_tokens > 0 and message.usage.output_tokens > 0
    assert message._request_id.startswith("req_")


def test_both_auth_headers_are_accepted(plugin_server):
    bearer = anthropic.Anthropic(base_url=plugin_server.url, auth_token="token-test", max_retries=0)
    assert ask(bearer, "hello").content[0].text == "Hello from Lyrebird!"
    response = httpx.post(
        plugin_server.url + "/v1/messages",
        headers={"x-api-key": "k", "anthropic-version": "2023-06-01"},
        json={"model": "claude-x", "max_tokens": 5, "messages": [{"role": "user", "content": "hello"}]},
    )
    assert response.status_code == 200
    assert response.headers["request-id"].startswith("req_")


def test_non_streamed_tool_use(claude):
    message = ask(claude, "what is the weather in Paris?", tools=[weather_tool()])
    assert [block.type for block in message.content] == ["text", "tool_use"]
    tool = message.content[1]
    assert tool.name == "get_weather"
    assert tool.input == {"city": "Paris", "unit": "celsius"}
    assert tool.id
    assert message.stop_reason == "tool_use"


def test_streamed_text(claude):
    with claude.messages.stream(
        model="claude-lyrebird-test", max_tokens=100, messages=[{"role": "user", "content": "hello"}]
    ) as stream:
        pieces = list(stream.text_stream)
        final = stream.get_final_message()
    assert "".join(pieces) == "Hello from Lyrebird!"
    assert final.content[0].text == "Hello from Lyrebird!"
    assert final.stop_reason == "end_turn"
    assert final.usage.output_tokens > 0


def test_streams_carry_the_request_id_header(claude):
    # Whole replies, errors and streams all carry request-id, the same id as x-request-id.
    with claude.messages.stream(
        model="claude-x", max_tokens=10, messages=[{"role": "user", "content": "hello"}]
    ) as stream:
        list(stream.text_stream)
        assert stream.request_id.startswith("req_")
        assert stream.request_id == stream.response.headers["x-request-id"]


def test_streamed_event_sequence_names_every_event(plugin_server):
    body = {"model": "claude-x", "max_tokens": 50, "stream": True, "messages": [{"role": "user", "content": "hello"}]}
    with httpx.stream("POST", plugin_server.url + "/v1/messages", json=body) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in response.iter_lines() if line]
    names = [line[len("event: "):] for line in lines if line.startswith("event: ")]
    data = [line for line in lines if line.startswith("data: ")]
    assert len(names) == len(data)
    assert names[:2] == ["message_start", "ping"]
    assert names[2] == "content_block_start"
    assert names[-3:] == ["content_block_stop", "message_delta", "message_stop"]
    assert "[DONE]" not in "".join(data)


def test_streamed_tool_use(claude):
    events = []
    with claude.messages.stream(
        model="claude-lyrebird-test",
        max_tokens=100,
        tools=[weather_tool()],
        messages=[{"role": "user", "content": "and the weather in Paris"}],
    ) as stream:
        for event in stream:
            events.append(event)
        final = stream.get_final_message()
    deltas = [e.delta for e in events if e.type == "content_block_delta"]
    assert any(d.type == "input_json_delta" for d in deltas)
    assert [block.type for block in final.content] == ["text", "tool_use"]
    assert final.content[1].input == {"city": "Paris", "unit": "celsius"}
    assert final.stop_reason == "tool_use"


def weather_tool():
    return {
        "name": "get_weather",
        "description": "Weather for a city",
        "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    }


@pytest.mark.parametrize(
    "status, exception, error_type",
    [
        (400, anthropic.BadRequestError, "invalid_request_error"),
        (401, anthropic.AuthenticationError, "authentication_error"),
        (404, anthropic.NotFoundError, "not_found_error"),
        (429, anthropic.RateLimitError, "rate_limit_error"),
        (500, anthropic.InternalServerError, "api_error"),
        (529, getattr(anthropic, "OverloadedError", anthropic.InternalServerError), "overloaded_error"),
    ],
)
def test_errors_raise_the_sdk_class_for_their_status(claude, status, exception, error_type):
    with pytest.raises(exception) as caught:
        ask(claude, f"status {status}")
    assert caught.value.status_code == status
    assert caught.value.body["type"] == "error"
    assert caught.value.body["error"]["type"] == error_type
    assert caught.value.body["request_id"].startswith("req_")


def test_streamed_request_that_fails_before_the_stream_raises(claude):
    with pytest.raises(anthropic.RateLimitError):
        with claude.messages.stream(
            model="claude-x", max_tokens=10, messages=[{"role": "user", "content": "status 429"}]
        ) as stream:
            list(stream.text_stream)


def test_bad_request_names_the_parameter(plugin_server):
    response = httpx.post(plugin_server.url + "/v1/messages", json={"model": "claude-x", "messages": []})
    assert response.status_code == 400
    assert response.json()["error"] == {"type": "invalid_request_error", "message": "max_tokens: Field required"}


def test_a_plugin_provider_serves_websocket_clients_by_declaring_the_transport(plugin_server):
    body = {"model": "claude-lyrebird-test", "max_tokens": 100, "messages": [{"role": "user", "content": "weather in Paris"}]}
    raw = httpx.post(f"{plugin_server.url}/v1/messages", json={**body, "stream": True}).text
    over_http = [json.loads(line[len("data: ") :]) for line in raw.splitlines() if line.startswith("data: ")]
    with connect(plugin_server.url.replace("http://", "ws://", 1) + "/v1/messages") as ws:
        ws.send(json.dumps({"type": "messages.request", "id": "m1", "request": body}))
        messages = [json.loads(ws.recv(timeout=10))]
        while messages[-1]["type"] != "messages.done":
            messages.append(json.loads(ws.recv(timeout=10)))
    assert {message["id"] for message in messages} == {"m1"}
    events = [message["chunk"] for message in messages[:-1]]
    assert [event["type"] for event in events] == [event["type"] for event in over_http]
    assert events[-1] == over_http[-1] == {"type": "message_stop"}
    assert events[0]["message"]["id"] != over_http[0]["message"]["id"]
    # A route of the plugin that does not take WebSocket connections refuses in Anthropic's shape.
    with pytest.raises(InvalidStatus) as caught:
        connect(plugin_server.url.replace("http://", "ws://", 1) + "/v1/messages/count_tokens")
    refused = json.loads(caught.value.response.body)
    assert refused["type"] == "error" and refused["error"]["type"] == "invalid_request_error"
    assert "WebSocket" in refused["error"]["message"]


def test_count_tokens(claude):
    counted = claude.messages.count_tokens(model="claude-x", messages=[{"role": "user", "content": "hello there"}])
    assert counted.input_tokens > 0


# The C responder through both wire formats


def test_c_responder_through_chat_completions(plugin_server):
    client = openai.OpenAI(base_url=plugin_server.base_url, api_key="sk-test", max_retries=0)
    reply = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "count: one two three"}])
    assert reply.choices[0].message.content == "Stats. Words: 4. Characters: 20. Reversed: three two one count:"
    stream = client.chat.completions.create(
        model="gpt-4o", stream=True, messages=[{"role": "user", "content": "count: a b"}]
    )
    text = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
    assert text == "Stats. Words: 3. Characters: 10. Reversed: b a count:"


def test_c_responder_through_the_anthropic_plugin(claude):
    message = ask(claude, "count: héllo wörld")
    assert message.content[0].text == "Stats. Words: 3. Characters: 18. Reversed: wörld héllo count:"
    with claude.messages.stream(
        model="claude-x", max_tokens=50, messages=[{"role": "user", "content": "count: x y"}]
    ) as stream:
        assert "".join(stream.text_stream) == "Stats. Words: 3. Characters: 10. Reversed: y x count:"


def test_a_plugin_compiled_outside_the_build_loads_from_a_config_file(tmp_path):
    library = compile_plugin(ROOT / "examples" / "WordStats" / "word_stats.c", tmp_path)
    (tmp_path / "lyrebird.yaml").write_text(
        "plugins:\n"
        f"  - path: {library.name}\n"  # relative to this file
        "    config: {responder_name: stats}\n"
        f"  - {ANTHROPIC_PLUGIN}\n"
        "fixtures:\n"
        "  - reply: {responder: stats}\n"
    )
    listing = run_lyrebird("plugins", "--config", str(tmp_path / "lyrebird.yaml"))
    assert listing.returncode == 0, listing.stderr
    assert "word-stats 1.0.0 (ABI 1.2)" in listing.stdout
    assert "responder stats" in listing.stdout
    assert "POST /v1/messages -> messages" in listing.stdout

    server = Server(["--config", str(tmp_path / "lyrebird.yaml")])
    try:
        client = openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=0)
        reply = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "to be"}])
        assert reply.choices[0].message.content == "Words: 2. Characters: 5. Reversed: be to"
        claude = anthropic.Anthropic(base_url=server.url, api_key="k", max_retries=0)
        assert ask(claude, "or not").content[0].text == "Words: 2. Characters: 6. Reversed: not or"
    finally:
        assert server.stop() == 0


# ABI versions: a plugin built for 1.0 keeps working; a 1.1 plugin gives its streams headers


PACED = "fixtures:\n  - match: {model: paced}\n    timing: {tokens_per_second: 2000}\n    reply: {content: one two three}\n"


def stream_from(server, path, model):
    """A streamed request; `paced` makes the host write events as they come, any other model
    sends the whole stream in one body."""
    with httpx.stream("POST", server.url + path, json={"model": model, "stream": True}) as response:
        return response, response.read().decode()


@pytest.fixture(scope="module")
def versioned_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("versioned")
    old = compile_plugin(TEST_PLUGINS / "abi_1_0" / "stream_provider.c", folder, header_dir=TEST_PLUGINS / "abi_1_0")
    new = compile_plugin(TEST_PLUGINS / "stream_headers.c", folder)
    (folder / "paced.yaml").write_text(PACED)
    server = Server(["--config", str(folder / "paced.yaml"), "--plugin", str(old), "--plugin", str(new)])
    yield server
    server.stop()


def test_a_1_0_plugin_loads_on_this_host(tmp_path):
    old = compile_plugin(TEST_PLUGINS / "abi_1_0" / "stream_provider.c", tmp_path, header_dir=TEST_PLUGINS / "abi_1_0")
    listing = run_lyrebird("plugins", "--plugin", str(old))
    assert listing.returncode == 0, listing.stderr
    assert "old-stream 1.0.0 (ABI 1.0)" in listing.stdout
    assert "POST /old/stream -> old.stream [http, sse]" in listing.stdout


@pytest.mark.parametrize("model", ["whole", "paced"])
def test_a_1_0_provider_streams_through_stream_open(versioned_server, model):
    response, body = stream_from(versioned_server, "/old/stream", model)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain"
    assert response.headers["x-request-id"].startswith("req_")
    assert response.headers["cache-control"] == "no-cache"
    lines = body.splitlines()
    assert lines[0] == "start"
    assert lines[1].startswith("event 1: ")
    assert json.loads(lines[1][len("event 1: "):])["type"] == "text"
    events = len(lines) - 2
    assert events >= 3  # text, finish, usage
    assert lines[-1] == f"end after {events} events"


def test_a_1_0_provider_answers_whole_replies(versioned_server):
    response = httpx.post(versioned_server.url + "/old/stream", json={"model": "whole", "stream": False})
    assert response.status_code == 200
    assert response.json()["choices"][0]["text"] == "This is a mock response from Lyrebird."


OLD_SWIFT_PLUGIN = BUILD / "libLyrebirdOldSwiftPlugin.so"


def test_a_swift_plugin_written_for_1_0_builds_loads_and_serves(tmp_path):
    # plugins/swift_1_0 is a provider and a responder written against the Swift API of ABI 1.0;
    # `swift build` compiles it against today's API, and a real server serves both.
    (tmp_path / "shout.yaml").write_text(
        "fixtures:\n  - match: {user: shout}\n    reply: {responder: old-swift-shout}\n"
        "  - match: {user: fail}\n    reply: {error: {status: 429, message: slow down}}\n"
    )
    listing = json.loads(run_lyrebird("plugins", "--json", "--no-default-plugins", "--plugin", str(OLD_SWIFT_PLUGIN)).stdout)
    plugin = listing["plugins"][0]
    assert (plugin["name"], plugin["version"]) == ("old-swift", "1.0.0")
    assert plugin["swift_compiler"] == listing["host"]["swift_compiler"]
    server = Server(["--config", str(tmp_path / "shout.yaml"), "--plugin", str(OLD_SWIFT_PLUGIN), "--no-default-plugins"])
    try:
        whole = httpx.post(server.url + "/old-swift/chat", json={"model": "m", "prompt": "hello"})
        assert whole.status_code == 200
        assert whole.json()["text"] == "This is a mock response from Lyrebird."
        assert whole.json()["id"].startswith("old_")
        response, body = stream_from_body(server, "/old-swift/chat", {"model": "m", "prompt": "hello", "stream": True})
        assert response.headers["content-type"] == "text/plain"
        lines = body.splitlines()
        assert "".join(line[len("text: "):] for line in lines if line.startswith("text: ")) == "This is a mock response from Lyrebird."
        assert lines[-3] == "finish: stop" and lines[-2].startswith("usage: ") and lines[-1] == "end"
        missing = httpx.post(server.url + "/old-swift/chat", json={"model": "m"})
        assert (missing.status_code, missing.json()) == (400, {"problem": missing.json()["problem"], "field": "prompt"})
        failed = httpx.post(server.url + "/old-swift/chat", json={"model": "m", "prompt": "fail"})
        assert (failed.status_code, failed.json()) == (429, {"problem": "slow down", "field": None})
        chat = openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=0)
        reply = chat.chat.completions.create(model="m", messages=[{"role": "user", "content": "shout it"}])
        assert reply.choices[0].message.content == "SHOUT IT"
    finally:
        assert server.stop() == 0


BLOCKING_SWIFT_PLUGIN = BUILD / "libLyrebirdBlockingSwiftPlugin.so"


def test_a_swift_plugin_that_blocks_holds_only_script_threads(tmp_path):
    # plugins/swift_blocking sleeps with usleep in its responder and in its provider's own route.
    # They run on the script threads, so as many of them as there are script threads leave
    # everything else (plain fixtures, /health, Lua-free routes) answered at once.
    (tmp_path / "blocking.yaml").write_text(
        "settings:\n  script_threads: 2\n"
        "fixtures:\n  - match: {user: block}\n    reply: {responder: blocking-sleep, params: {milliseconds: 3000}}\n"
    )
    server = Server(["--config", str(tmp_path / "blocking.yaml"), "--plugin", str(BLOCKING_SWIFT_PLUGIN)])
    try:
        import concurrent.futures

        body = {"model": "m", "messages": [{"role": "user", "content": "block"}]}
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            started = time.monotonic()
            blocked = [
                pool.submit(httpx.post, server.base_url + "/chat/completions", json=body, timeout=30),
                pool.submit(httpx.get, server.url + "/blocking/wait?milliseconds=3000", timeout=30),
            ]
            time.sleep(0.5)
            # Both script threads are asleep in plugin code; nothing else waits for them.
            for _ in range(5):
                before = time.monotonic()
                assert httpx.get(server.url + "/health", timeout=30).status_code == 200
                plain = httpx.post(
                    server.base_url + "/chat/completions", json={"model": "m", "messages": [{"role": "user", "content": "hi"}]}, timeout=30
                )
                assert plain.status_code == 200
                assert time.monotonic() - before < 1.0
            assert time.monotonic() - started < 2.5, "the plain requests waited for the blocked plugin"
            whole, own = [future.result() for future in blocked]
        assert whole.json()["choices"][0]["message"]["content"] == "slept 3000 ms"
        assert (own.status_code, own.text) == (200, "slept 3000 ms")
    finally:
        assert server.stop() == 0


def stream_from_body(server, path, body):
    with httpx.stream("POST", server.url + path, json=body) as response:
        return response, response.read().decode()


@pytest.mark.parametrize("model", ["whole", "paced"])
def test_a_1_1_provider_gives_its_streams_headers(versioned_server, model):
    response, body = stream_from(versioned_server, "/new/stream", model)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain"
    assert response.headers["x-stream-abi"] == "1.1"
    assert response.headers["x-stream-request-id"] == response.headers["x-request-id"]
    assert response.headers["cache-control"] == "no-cache"
    lines = body.splitlines()
    assert lines[0] == "start" and lines[-1] == "end"
    assert json.loads(lines[1])["type"] == "text"


# Loader failures: a message naming the file and both versions, and a non-zero exit


def assert_refused(args, *expected):
    for command in (["serve", "--port", "0"], ["plugins"]):
        result = run_lyrebird(*command, *args)
        assert result.returncode != 0, result.stdout
        assert "listening on" not in result.stdout
        for text in expected:
            assert text in result.stderr, result.stderr
        assert "host plugin ABI 1.2" in result.stderr


def test_a_file_that_is_not_a_library(tmp_path):
    fake = tmp_path / "fake.so"
    fake.write_text("not an ELF file")
    assert_refused(["--plugin", str(fake)], f"plugin {fake}: not a loadable shared library", "plugin ABI unknown")


def test_a_missing_file(tmp_path):
    assert_refused(["--plugin", str(tmp_path / "absent.so")], "absent.so: no such file or folder")


def test_a_library_without_the_entry_symbol(tmp_path):
    library = compile_plugin(TEST_PLUGINS / "no_entry.c", tmp_path)
    assert_refused(["--plugin", str(library)], f"plugin {library}: does not export the entry symbol lyrebird_plugin_entry")


def test_an_unsupported_abi_version(tmp_path):
    library = compile_plugin(TEST_PLUGINS / "future_abi.c", tmp_path)
    assert_refused(["--plugin", str(library)], f"plugin {library}: was built for plugin ABI 99.3", "plugin ABI 99.3")


def test_a_plugin_whose_init_fails(tmp_path):
    library = compile_plugin(TEST_PLUGINS / "failing_init.c", tmp_path)
    assert_refused(
        ["--plugin", str(library)], "its entry point failed (status 1): cannot reach the license server", "plugin ABI 1.2)"
    )


def test_a_route_already_taken(tmp_path):
    # A second copy of the Anthropic plugin (a copy: dlopen of one path gives one image).
    copy = tmp_path / "anthropic-again.so"
    shutil.copy(ANTHROPIC_PLUGIN, copy)
    assert_refused(
        ["--plugin", str(ANTHROPIC_PLUGIN), "--plugin", str(copy)],
        f"plugin {copy}: provider \"anthropic.messages\" claims POST /v1/messages, which is already taken by provider "
        f"\"anthropic.messages\" of {ANTHROPIC_PLUGIN}",
    )


def test_a_responder_name_already_taken(tmp_path):
    # Two copies of word-stats register the same responder name.
    copy = tmp_path / "words-again.so"
    shutil.copy(WORD_STATS_PLUGIN, copy)
    assert_refused(
        ["--plugin", str(WORD_STATS_PLUGIN), "--plugin", str(copy)],
        f"plugin {copy}: responder \"word_stats\" is already registered by {WORD_STATS_PLUGIN}",
    )


def test_validate_checks_responder_names_against_loaded_plugins(tmp_path):
    config = tmp_path / "responders.yaml"
    config.write_text("fixtures:\n  - name: stats\n    reply: {responder: word_stats}\n")
    missing = run_lyrebird("validate", str(config))
    assert missing.returncode == 1
    assert 'fixture "stats"' in missing.stderr and 'no responder named "word_stats" is loaded' in missing.stderr
    loaded = run_lyrebird("validate", str(config), "--plugin", str(BUILD / "libLyrebirdWordStats.so"))
    assert loaded.returncode == 0, loaded.stderr
    assert "OK, 1 fixture, 5 plugins" in loaded.stdout  # word-stats and the default Anthropic, Gemini, Ollama and Bedrock plugins
