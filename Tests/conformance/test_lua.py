"""Lua responders through the real server and the official `openai` package: the shipped
example scripts, the sandbox and its limits, reloading, predicates and native functions."""

import json
import pathlib
import subprocess
import textwrap
import time

import httpx
import openai
import pytest

from conftest import ROOT, Server, lyrebird_binary, run_lyrebird

SCRIPTS = ROOT / "examples" / "lua"
BUILT_GEO = pathlib.Path(lyrebird_binary()).resolve().parent / "libLyrebirdLuaGeo.so"

CONFIG = f"""
settings:
  lua_instruction_limit: 2000000
  lua_memory_limit_bytes: 8000000
lua_extensions:
  geo: {BUILT_GEO}
fixtures:
  - match: {{user: echo}}
    reply: {{lua: {SCRIPTS / 'echo.lua'}, params: {{prefix: "Echo: "}}}}
  - match: {{user: weather}}
    reply: {{lua: {SCRIPTS / 'agent.lua'}}}
  - match: {{user: {{regex: "(?i)(name|remember)"}}}}
    reply: {{lua: {SCRIPTS / 'counter.lua'}}}
  - match: {{user: stream}}
    reply: {{lua: {SCRIPTS / 'stream.lua'}, params: {{pause_ms: 1}}}}
  - match: {{user: distance}}
    reply: {{lua: {SCRIPTS / 'distance.lua'}}}
  - match: {{user: forever}}
    reply: {{lua_inline: "function respond(req)\\n  while true do end\\nend"}}
  - match: {{user: bomb}}
    reply: {{lua_inline: "function respond(req) local t = {{}} for i = 1, 1e9 do t[i] = string.rep('x', 1000) .. i end end"}}
  - match: {{user: oops}}
    reply: {{lua_inline: "function respond(req)\\n  local missing = nil\\n  return missing.field\\nend"}}
  - match: {{user: shell}}
    reply: {{lua_inline: "function respond(req) os.execute('touch /tmp/lyrebird-pwned') end"}}
  - match: {{user: files}}
    reply: {{lua_inline: "function respond(req) return io.open('/etc/passwd'):read('a') end"}}
  - match: {{user: loadstring}}
    reply: {{lua_inline: "function respond(req) return load('return 1')() end"}}
  - match: {{user: badnative}}
    reply: {{lua_inline: "function respond(req) return tostring(lyrebird.native.geo.haversine_km('north', 1, 2, 3)) end"}}
  - match: {{user: dice}}
    reply: {{lua_inline: "function respond(req) return tostring(lyrebird.random(1, 1000000)) end"}}
  - match: {{user: cycle}}
    reply: {{lua_inline: "function respond(req) local t = {{}} t.self = t return lyrebird.json.encode(t) end"}}
  - match: {{user: badpause}}
    reply: {{lua_inline: "function respond(req, reply) reply:pause(0/0) end"}}
  - match: {{user: widerandom}}
    reply: {{lua_inline: "function respond(req) return tostring(lyrebird.random(math.mininteger, math.maxinteger)) end"}}
  - match: {{lua: "return req.model == 'predicate-model' and #req.messages > 1"}}
    reply: {{content: "the predicate matched"}}
"""


@pytest.fixture(scope="module")
def lua_server(tmp_path_factory):
    config = tmp_path_factory.mktemp("lua") / "lua.yaml"
    config.write_text(CONFIG)
    server = Server(["--config", str(config)])
    yield server
    server.stop()


@pytest.fixture(scope="module")
def client(lua_server):
    return openai.OpenAI(base_url=lua_server.base_url, api_key="k", max_retries=0)


def ask(client, text, **kwargs):
    return client.chat.completions.create(
        model=kwargs.pop("model", "gpt-4o"), messages=kwargs.pop("messages", [{"role": "user", "content": text}]), **kwargs
    )


def streamed(client, messages, **kwargs):
    with client.chat.completions.stream(model="gpt-4o", messages=messages, **kwargs) as stream:
        return stream.get_final_completion()


def test_echo(client):
    assert ask(client, "echo this").choices[0].message.content == "Echo: echo this"
    final = streamed(client, [{"role": "user", "content": "echo a longer sentence for the stream"}])
    assert final.choices[0].message.content == "Echo: echo a longer sentence for the stream"


@pytest.mark.parametrize("stream", [False, True])
def test_agent_finishes_its_tool_loop(client, stream):
    tools = [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}]
    messages = [{"role": "user", "content": "what is the weather in Rome?"}]
    first = streamed(client, messages, tools=tools) if stream else ask(client, None, messages=messages, tools=tools)
    call = first.choices[0].message.tool_calls[0]
    assert first.choices[0].finish_reason == "tool_calls"
    assert call.function.name == "get_weather"
    assert json.loads(call.function.arguments) == {"city": "Rome"}
    messages += [
        {"role": "assistant", "content": None, "tool_calls": [{"id": call.id, "type": "function", "function": {"name": call.function.name, "arguments": call.function.arguments}}]},
        {"role": "tool", "tool_call_id": call.id, "content": json.dumps({"city": "Rome", "temperature": 21, "conditions": "sunny"})},
    ]
    second = streamed(client, messages, tools=tools) if stream else ask(client, None, messages=messages, tools=tools)
    assert second.choices[0].finish_reason == "stop"
    assert second.choices[0].message.content == "It is sunny and 21°C in Rome."


def test_stateful_turns_are_kept_per_conversation(client):
    def turn(conversation, text):
        return ask(client, text, extra_headers={"x-lyrebird-conversation": conversation}).choices[0].message.content

    assert turn("alice", "remember me?") == "Turn 1. What is your name?"
    assert turn("alice", "my name is Alice") == "Turn 2. Hello again, Alice!"
    assert turn("bob", "remember me?") == "Turn 1. What is your name?"
    assert turn("alice", "remember me?") == "Turn 3. Hello again, Alice!"


def test_hand_driven_stream(client):
    chunks = list(ask(client, "stream it", stream=True))
    texts = [chunk.choices[0].delta.content for chunk in chunks if chunk.choices and chunk.choices[0].delta.content]
    assert texts == ["Let ", "me ", "look ", "that ", "up."]
    final = streamed(client, [{"role": "user", "content": "stream it"}])
    call = final.choices[0].message.tool_calls[0]
    assert call.function.name == "search"
    assert json.loads(call.function.arguments) == {"query": "stream it"}
    assert final.choices[0].finish_reason == "tool_calls"
    whole = ask(client, "stream it")
    assert whole.choices[0].message.content == "Let me look that up."


def test_provider_error_mid_stream(client):
    with pytest.raises(openai.APIError) as caught:
        list(ask(client, "stream but fail", stream=True))
    assert "fell over mid-stream" in caught.value.message
    with pytest.raises(openai.InternalServerError):
        ask(client, "stream but fail")


def test_native_functions_through_libffi(client):
    content = ask(client, "distance from paris to berlin please").choices[0].message.content
    assert content == "paris to berlin is 877 km (your question had 6 words)."
    with pytest.raises(openai.BadRequestError):
        ask(client, "distance from paris to tokyo")


def test_wrong_native_argument_is_a_lua_error(client):
    with pytest.raises(openai.InternalServerError) as caught:
        ask(client, "badnative")
    assert "haversine_km: argument 1 must be a number, got string" in caught.value.message


def test_random_is_deterministic_per_request(client):
    first = ask(client, "dice").choices[0].message.content
    assert ask(client, "dice").choices[0].message.content == first
    assert ask(client, "dice", seed=7).choices[0].message.content != first


def test_cyclic_tables_are_cut_off_not_fatal(client):
    encoded = ask(client, "cycle").choices[0].message.content
    assert encoded.startswith('{"self":{"self":') and encoded.count("self") == 200


def test_lua_predicate(client):
    messages = [{"role": "system", "content": "s"}, {"role": "user", "content": "anything"}]
    assert ask(client, None, model="predicate-model", messages=messages).choices[0].message.content == "the predicate matched"


@pytest.mark.parametrize(
    "trigger, reason",
    [
        ("forever", "reply.lua_inline:2: instruction limit exceeded"),
        ("bomb", "memory limit exceeded (lua_memory_limit_bytes: 8000000 bytes per state)"),
        ("oops", "reply.lua_inline:3: attempt to index a nil value (local 'missing')"),
        ("shell", "attempt to index a nil value (global 'os')"),
        ("files", "attempt to index a nil value (global 'io')"),
        ("loadstring", "attempt to call a nil value (global 'load')"),
        ("badpause", "reply:pause expects milliseconds"),
        ("widerandom", "lyrebird.random: the interval is too wide"),
    ],
)
def test_script_failures_are_500s_and_the_server_keeps_serving(lua_server, client, trigger, reason):
    with pytest.raises(openai.InternalServerError) as caught:
        ask(client, trigger)
    assert caught.value.status_code == 500
    assert caught.value.code == "lua_error"
    assert "Lua script fixture #" in caught.value.message and reason in caught.value.message
    assert ask(client, "echo still alive").choices[0].message.content == "Echo: echo still alive"
    entry = [e for e in httpx.get(lua_server.url + "/journal").json()["data"] if e["status"] == 500][-1]
    assert reason in entry["error"]
    assert not pathlib.Path("/tmp/lyrebird-pwned").exists()


def test_syntax_error_is_refused_at_start(tmp_path):
    script = tmp_path / "broken.lua"
    script.write_text("function respond(req)\n  return 'unclosed\nend\n")
    config = tmp_path / "broken.yaml"
    config.write_text("fixtures:\n  - reply: {lua: broken.lua}\n")
    for command in (["validate", str(config)], ["serve", "--port", "0", "--config", str(config)]):
        result = run_lyrebird(*command, timeout=30)
        assert result.returncode != 0
        assert "Lua script broken.lua failed: broken.lua:2: unfinished string" in result.stderr
        assert "fixture #1" in result.stderr and "reply.lua" in result.stderr


def test_missing_respond_is_refused_at_start(tmp_path):
    config = tmp_path / "norespond.yaml"
    config.write_text("fixtures:\n  - reply: {lua_inline: 'x = 1'}\n")
    result = run_lyrebird("validate", str(config))
    assert result.returncode == 1
    assert "does not define a function respond" in result.stderr


def test_script_edited_on_disk_is_reloaded(tmp_path):
    script = tmp_path / "live.lua"
    script.write_text("function respond(req) return 'version one' end\n")
    config = tmp_path / "live.yaml"
    config.write_text("fixtures:\n  - reply: {lua: live.lua}\n")
    server = Server(["--config", str(config)])
    try:
        live = openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=0)
        assert ask(live, "hi").choices[0].message.content == "version one"
        time.sleep(0.3)
        script.write_text("function respond(req) return 'version two' end\n")
        time.sleep(0.6)
        assert ask(live, "hi").choices[0].message.content == "version two"
        script.write_text("function respond(req) return 'broken\nend\n")
        time.sleep(0.6)
        assert ask(live, "hi").choices[0].message.content == "version two"
        assert server.process.poll() is None
    finally:
        server.stop()
    assert "does not compile; keeping the previous version" in server.process.stderr.read()


def build_extension(tmp_path, name, source):
    path = tmp_path / f"{name}.c"
    path.write_text(textwrap.dedent(source))
    library = tmp_path / f"lib{name}.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(library), str(path)], check=True)
    return library


@pytest.mark.parametrize(
    "manifest, expected",
    [
        ("twice double(complex)", 'twice: unknown argument type "complex"'),
        ("absent int32(int32)", "the manifest lists absent, but the library does not export it"),
        ("twice double double", "is not `name type(type,...)`"),
    ],
)
def test_bad_manifests_fail_at_start(tmp_path, manifest, expected):
    library = build_extension(
        tmp_path,
        "bad",
        f"""
        const char *lyrebird_lua_manifest(void) {{ return "{manifest}"; }}
        double twice(double x) {{ return 2 * x; }}
        """,
    )
    config = tmp_path / "bad.yaml"
    config.write_text(f"lua_extensions: {{bad: {library}}}\nfixtures: []\n")
    result = run_lyrebird("validate", str(config))
    assert result.returncode == 1
    assert str(library) in result.stderr and expected in result.stderr


def test_extension_without_manifest_fails_at_start(tmp_path):
    library = build_extension(tmp_path, "plain", "int nothing(void) { return 0; }\n")
    config = tmp_path / "plain.yaml"
    config.write_text(f"lua_extensions: {{plain: {library}}}\nfixtures: []\n")
    result = run_lyrebird("serve", "--port", "0", "--config", str(config), timeout=30)
    assert result.returncode != 0
    assert "no lyrebird_lua_manifest function" in result.stderr


def test_the_same_script_answers_anthropic_clients(tmp_path):
    import anthropic

    plugin = pathlib.Path(lyrebird_binary()).resolve().parent / "libLyrebirdAnthropic.so"
    config = tmp_path / "both.yaml"
    config.write_text(f"fixtures:\n  - reply: {{lua: {SCRIPTS / 'agent.lua'}}}\n")
    server = Server(["--config", str(config), "--plugin", str(plugin)])
    try:
        claude = anthropic.Anthropic(base_url=server.url, api_key="k", max_retries=0)
        message = claude.messages.create(
            model="claude-sonnet-4", max_tokens=100, messages=[{"role": "user", "content": "weather in Oslo?"}]
        )
        assert message.stop_reason == "tool_use"
        assert message.content[0].name == "get_weather" and message.content[0].input == {"city": "Oslo"}
        gpt = openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=0)
        completion = gpt.chat.completions.create(model="m", messages=[{"role": "user", "content": "weather in Oslo?"}])
        assert json.loads(completion.choices[0].message.tool_calls[0].function.arguments) == {"city": "Oslo"}
    finally:
        server.stop()
