"""Matching through the real server with the official SDKs: every field and operator, priority,
sequences and their end policies, contexts kept apart under parallel requests, a conversation
flow, generated tool arguments, and the diagnostics (a miss explained, hit counts, the never-hit
report, unreachable fixtures). Fixtures: fixtures/matching.yaml."""

import concurrent.futures
import json
import signal

import anthropic
import httpx
import jsonschema
import ollama
import openai
import pytest
from google import genai
from google.genai import types

from conftest import FIXTURES, Server, run_lyrebird

WEATHER_SCHEMA = {
    "type": "object",
    "properties": {
        "city": {"type": "string", "minLength": 2},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
        "days": {"type": "integer", "minimum": 1, "maximum": 7},
    },
    "required": ["city", "unit", "days"],
    "additionalProperties": False,
}
WEATHER_TOOL = {"type": "function", "function": {"name": "get_weather", "parameters": WEATHER_SCHEMA}}
TIME_TOOL = {"type": "function", "function": {"name": "get_time", "parameters": {"type": "object"}}}


@pytest.fixture(scope="module")
def server():
    server = Server(["--config", str(FIXTURES / "matching.yaml")])
    yield server
    server.stop()


def chat_client(server, context=None, **headers):
    if context:
        headers["x-lyrebird-context"] = context
    return openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0, default_headers=headers)


def say(client, text, **extra):
    messages = extra.pop("messages", [{"role": "user", "content": text}])
    reply = client.chat.completions.create(model=extra.pop("model", "gpt-4o"), messages=messages, **extra)
    return reply.choices[0].message.content


def last_journal_entry(server):
    return httpx.get(server.url + "/journal").json()["data"][-1]


def test_the_endpoint_field_tells_every_provider_apart(server):
    client = chat_client(server)
    assert say(client, "which endpoint?") == "endpoint chat"
    assert client.responses.create(model="gpt-4o", input="which endpoint?").output_text == "endpoint responses"
    completion = client.completions.create(model="gpt-3.5-turbo-instruct", prompt="which endpoint?")
    assert completion.choices[0].text == "endpoint completions"
    assert client.embeddings.create(model="text-embedding-3-small", input="which endpoint?", encoding_format="float").data[0].embedding == [0.6, 0.8]
    claude = anthropic.Anthropic(base_url=server.url, api_key="k", max_retries=0)
    message = claude.messages.create(model="claude-x", max_tokens=50, messages=[{"role": "user", "content": "which endpoint?"}])
    assert message.content[0].text == "endpoint messages"
    gemini = genai.Client(api_key="k", http_options=types.HttpOptions(base_url=server.url, api_version="v1beta"))
    assert gemini.models.generate_content(model="gemini-2.0-flash", contents="which endpoint?").text == "endpoint gemini"
    streamed = gemini.models.generate_content_stream(model="gemini-2.0-flash", contents="which endpoint?")
    assert "".join(chunk.text for chunk in streamed) == "endpoint gemini"
    local = ollama.Client(host=server.url)
    assert local.chat(model="llama3.2", messages=[{"role": "user", "content": "which endpoint?"}]).message.content == "endpoint chat"


def test_a_continuation_turn_matches_its_tool_result(server):
    client = chat_client(server)
    messages = [
        {"role": "user", "content": "What is the weather?"},
        {"role": "assistant", "content": None, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "call_1", "content": "sunny and 21"},
    ]
    assert say(client, None, messages=messages, tools=[WEATHER_TOOL]) == "It is sunny, as the tool said."
    claude = anthropic.Anthropic(base_url=server.url, api_key="k", max_retries=0)
    message = claude.messages.create(
        model="claude-x",
        max_tokens=50,
        messages=[
            {"role": "user", "content": "What is the weather?"},
            {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "sunny and 21"}]},
        ],
    )
    assert message.content[0].text == "It is sunny, as the tool said."
    # Without the assistant's turn, `turn: {gte: 1}` fails.
    strict = Server(["--config", str(FIXTURES / "matching.yaml"), "--strict"])
    try:
        with pytest.raises(openai.NotFoundError) as caught:
            say(chat_client(strict), None, messages=[{"role": "tool", "tool_call_id": "call_1", "content": "sunny"}])
        assert "turn is 0.0, which is not gte 1" in caught.value.message or "turn is 0, which is not gte 1" in caught.value.message
    finally:
        strict.stop()


def test_tools_headers_body_format_system_and_messages(server):
    client = chat_client(server)
    assert say(client, "tools please", tools=[WEATHER_TOOL, TIME_TOOL]) == "both tools declared"
    assert say(client, "tools please", tools=[WEATHER_TOOL]) != "both tools declared"
    assert say(chat_client(server, **{"x-team": "blue"}), "which team?") == "team header"
    assert say(chat_client(server, **{"x-team": "green"}), "which team?") != "team header"
    assert say(client, "body check", temperature=0.1, extra_body={"metadata": {"suite": "smoke"}}) == "cold smoke body"
    assert say(client, "body check", temperature=0.9, extra_body={"metadata": {"suite": "smoke"}}) != "cold smoke body"
    assert say(client, "format check", response_format={"type": "json_object"}) == '{"format": "json_object"}'
    system = [{"role": "system", "content": "You are a pirate."}, {"role": "user", "content": "system check"}]
    assert say(client, None, messages=system) == "Arr, system."
    shouted = [{"role": "system", "content": "YOU ARE A PIRATE."}, {"role": "user", "content": "system check"}]
    assert say(client, None, messages=shouted) != "Arr, system."
    spoke_last = [{"role": "user", "content": "hm"}, {"role": "assistant", "content": "the assistant spoke last"}]
    assert say(client, None, messages=spoke_last) == "the last message was the assistant's"
    earlier = [
        {"role": "user", "content": "The very first question!"},
        {"role": "assistant", "content": "An answer."},
        {"role": "user", "content": "and a follow-up"},
    ]
    assert say(client, None, messages=earlier) == "the user message before the last"


def test_combinators_and_exists(server):
    client = chat_client(server)
    assert say(client, "Ahoy") == "greeted"
    assert say(client, "Greetings, friend") == "greeted"
    assert say(client, "Greetings, friend", model="legacy-1") != "greeted"
    assert say(chat_client(server, **{"x-flag": "1"}), "anything", model="gpt-4o-mini") == "mini with flag"
    assert say(client, "anything", model="gpt-4o-mini") != "mini with flag"


def test_priority_overrides_file_order(server):
    assert say(chat_client(server), "priority?") == "high priority"


def test_sequences_with_each_end_policy(server):
    client = chat_client(server, context="test_sequences_with_each_end_policy")
    assert [say(client, "repeat me") for _ in range(4)] == ["one", "two", "two", "two"]
    assert [say(client, "cycle me") for _ in range(7)] == ["one", "two", "two", "one", "two", "two", "one"]
    assert [say(client, "fall me") for _ in range(3)] == ["one", "next fixture", "next fixture"]
    reset = httpx.post(server.url + "/_lyrebird/sequences/reset", json={"context": "test_sequences_with_each_end_policy"})
    assert reset.status_code == 200 and reset.json()["contexts_reset"] == 1
    assert say(client, "repeat me") == "one"
    # Anthropic's client counts in the same context when it sends the same id.
    claude = anthropic.Anthropic(base_url=server.url, api_key="k", max_retries=0, default_headers={"x-lyrebird-context": "claude-seq"})
    texts = [claude.messages.create(model="claude-x", max_tokens=20, messages=[{"role": "user", "content": "repeat me"}]).content[0].text for _ in range(2)]
    assert texts == ["one", "two"]


def test_parallel_contexts_never_see_each_others_turns(server):
    def run(context):
        client = chat_client(server, context=context)
        return [say(client, "count me") for _ in range(5)]

    contexts = [f"parallel-{number}" for number in range(6)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(run, contexts))
    assert all(result == ["1", "2", "3", "4", "5"] for result in results)
    # The API key is the context when no header names one.
    keyed = openai.OpenAI(base_url=server.base_url, api_key="sk-context-by-key", max_retries=0)
    assert say(keyed, "count me") == "1"
    assert last_journal_entry(server)["context"] == "sk-context-by-key"


def test_a_flow_keys_on_content_not_on_turn_count(server):
    client = chat_client(server)
    call = {"id": "call_9", "type": "function", "function": {"name": "book", "arguments": "{}"}}
    flow = [
        {"role": "user", "content": "Please book a flight to Oslo"},
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "call_9", "content": "confirmed LY123"},
    ]
    assert say(client, None, messages=flow) == "Your flight is booked."
    assert last_journal_entry(server)["warnings"] == []
    drifted = flow[:1] + [{"role": "assistant", "content": "Which day?"}, {"role": "user", "content": "Friday"}] + flow[1:]
    assert say(client, None, messages=drifted) == "Your flight is booked."
    warnings = last_journal_entry(server)["warnings"]
    assert any("not in the flow" in warning for warning in warnings), warnings


def test_tool_arguments_are_generated_from_the_declared_schema(server):
    client = chat_client(server)
    first = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "weather in Oslo?"}], tools=[WEATHER_TOOL])
    call = first.choices[0].message.tool_calls[0]
    assert call.function.name == "get_weather"
    arguments = json.loads(call.function.arguments)
    jsonschema.validate(arguments, WEATHER_SCHEMA)
    again = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "weather in Oslo?"}], tools=[WEATHER_TOOL])
    assert json.loads(again.choices[0].message.tool_calls[0].function.arguments) == arguments
    stream = client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "weather in Oslo?"}], tools=[WEATHER_TOOL], stream=True
    )
    streamed = "".join(
        delta.function.arguments or "" for chunk in stream if chunk.choices for delta in chunk.choices[0].delta.tool_calls or []
    )
    assert json.loads(streamed) == arguments
    claude = anthropic.Anthropic(base_url=server.url, api_key="k", max_retries=0)
    message = claude.messages.create(
        model="claude-x",
        max_tokens=100,
        messages=[{"role": "user", "content": "weather in Rome?"}],
        tools=[{"name": "get_weather", "input_schema": WEATHER_SCHEMA}],
    )
    jsonschema.validate(message.content[0].input, WEATHER_SCHEMA)


def test_a_miss_is_explained_in_the_journal_and_in_strict_mode(server):
    client = chat_client(server)
    say(client, "what about the wether in oslo", tools=[TIME_TOOL])
    entry = last_journal_entry(server)
    assert entry["source"] == "default"
    assert entry["near_misses"], entry
    assert any("generated-arguments" in miss and 'tools "get_time" does not satisfy: equals "get_weather"' in miss for miss in entry["near_misses"]), entry["near_misses"]
    strict = Server(["--config", str(FIXTURES / "matching.yaml"), "--strict"])
    try:
        with pytest.raises(openai.NotFoundError) as caught:
            say(chat_client(strict), "please rpeat me", model="legacy-1")
        assert caught.value.code == "no_fixture_matched"
        assert 'fixture "repeating"' in caught.value.message
    finally:
        strict.stop()


def test_hit_counts_and_the_never_hit_report(server):
    say(chat_client(server, context="hits"), "priority?")
    listed = httpx.get(server.url + "/fixtures").json()
    high = next(fixture for fixture in listed["data"] if fixture["id"] == "high")
    assert high["hits"] >= 1 and high["hits_by_context"].get("hits") == 1
    assert "never-used" in listed["never_hit"] and "high" not in listed["never_hit"]
    reporting = Server(["--config", str(FIXTURES / "matching.yaml"), "--report-unused"])
    say(chat_client(reporting), "priority?")
    reporting.process.send_signal(signal.SIGTERM)
    output, _ = reporting.process.communicate(timeout=30)
    assert "fixtures answered no request:" in output
    assert 'fixture "never-used"' in output and 'fixture "high"' not in output


def test_reset_refuses_what_it_cannot_read(server):
    bad = httpx.post(server.url + "/_lyrebird/sequences/reset", json={"context": 7})
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "context"
    untyped = httpx.post(server.url + "/_lyrebird/sequences/reset", content=b'{"context": "a"}')
    assert untyped.status_code == 415
    everything = httpx.post(server.url + "/_lyrebird/sequences/reset")
    assert everything.status_code == 200 and everything.json()["context"] is None


def test_validate_reports_unreachable_fixtures_with_their_line(tmp_path):
    path = tmp_path / "shadowed.yaml"
    path.write_text(
        "fixtures:\n"
        "  - {name: everything, reply: {content: a}}\n"
        "  - name: never\n"
        "    match: {user: hello}\n"
        "    reply: {content: b}\n"
    )
    result = run_lyrebird("validate", str(path))
    assert result.returncode == 1
    assert f'{path}:3:5: fixture #2 "never": match: never answers: fixture #1 "everything" (line 2) is tried first and matches every request' in result.stderr
