"""The Ollama provider plugin (libLyrebirdOllama.so) through the official `ollama` client,
pointed at the server with `ollama.Client(host=...)`."""

import asyncio
import json
from datetime import datetime, timezone

import httpx
import ollama
import openai
import pytest
from google import genai
from google.genai import types
from pydantic import BaseModel

from conftest import send_beside_health
from provider_plugins import start, start_strict

HELLO = "Hi there! How can I help you today?"
QUESTION = [{"role": "user", "content": "What is the forecast for Oslo?"}]


@pytest.fixture(scope="module")
def server():
    running = start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def client(server):
    return ollama.Client(host=server.url)


def get_forecast(city: str) -> str:
    """Gets the forecast for a city.

    Args:
      city: The city to forecast
    """
    return "rain"


# Chat and generate


def test_chat_whole(client):
    response = client.chat(model="llama3.2", messages=[{"role": "user", "content": "hello"}])
    assert (response.message.role, response.message.content) == ("assistant", HELLO)
    assert (response.model, response.done, response.done_reason) == ("llama3.2", True, "stop")
    # 3 + 4 per message + "hello" (2); the reply is 12 tokens.
    assert (response.prompt_eval_count, response.eval_count) == (9, 12)
    assert response.total_duration >= response.load_duration + response.prompt_eval_duration + response.eval_duration
    assert response.created_at.endswith("Z")


def test_chat_streamed(client):
    parts = list(client.chat(model="llama3.2", messages=[{"role": "user", "content": "hello"}], stream=True))
    assert len(parts) > 2
    assert "".join(part.message.content for part in parts) == HELLO
    assert [part.done for part in parts] == [False] * (len(parts) - 1) + [True]
    assert (parts[-1].done_reason, parts[-1].eval_count) == ("stop", 12)


def test_the_api_streams_unless_told_not_to(server):
    body = {"model": "llama3.2", "messages": [{"role": "user", "content": "hello"}]}
    streamed = httpx.post(server.url + "/api/chat", json=body)
    assert streamed.headers["content-type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in streamed.text.splitlines()]
    assert len(lines) > 2 and lines[-1]["done"] is True
    whole = httpx.post(server.url + "/api/chat", json={**body, "stream": False})
    assert whole.headers["content-type"] == "application/json"
    assert whole.json()["message"]["content"] == HELLO


def test_generate_whole_streamed_and_async(client, server):
    response = client.generate(model="llama3.2", prompt="hello")
    assert (response.response, response.done, response.prompt_eval_count) == (HELLO, True, 9)
    parts = list(client.generate(model="llama3.2", system="Be kind.", prompt="hello", stream=True))
    assert "".join(part.response for part in parts) == HELLO
    # The system message costs 4 and "Be kind." 3 more.
    assert parts[-1].prompt_eval_count == 16

    async def run():
        text = ""
        async for part in await ollama.AsyncClient(host=server.url).generate(model="llama3.2", prompt="hello", stream=True):
            text += part.response
        return text

    assert asyncio.run(run()) == HELLO


def test_system_messages_and_tools_reach_the_fixtures(client):
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "describe the request"}]
    response = client.chat(model="llama3.2", messages=messages, tools=[get_forecast])
    assert response.message.content == "chat | Be brief. | get_forecast | 1"


def test_a_json_reply_for_a_format_schema(client):
    class Weather(BaseModel):
        city: str
        temperature: int

    messages = [{"role": "user", "content": "json weather"}]
    response = client.chat(model="llama3.2", messages=messages, format=Weather.model_json_schema(), options={"temperature": 0})
    assert Weather.model_validate_json(response.message.content) == Weather(city="Paris", temperature=21)


# Tool calls


def test_a_tool_loop(client):
    first = client.chat(model="qwen2.5", messages=QUESTION, tools=[get_forecast])
    call = first.message.tool_calls[0]
    assert (call.function.name, call.function.arguments) == ("get_forecast", {"city": "Oslo"})
    assert first.done_reason == "stop"
    messages = QUESTION + [
        first.message,
        {"role": "tool", "content": get_forecast(**call.function.arguments), "tool_name": call.function.name},
    ]
    second = client.chat(model="qwen2.5", messages=messages, tools=[get_forecast])
    assert second.message.content == "Take an umbrella."


def test_many_tool_messages_are_paired_in_linear_time(server):
    # Every tool message names an id no call has, so each one looks through all the calls.
    calls = 30_000
    assistant = {"role": "assistant", "content": "", "tool_calls": [{"function": {"name": "f"}}] * calls}
    tools = [{"role": "tool", "content": "", "tool_call_id": "n"}] * calls
    body = {"model": "llama3", "stream": False, "messages": [assistant, *tools, {"role": "user", "content": "hello"}]}
    response = send_beside_health(server, "/api/chat", body)
    assert response.status_code == 200
    assert response.json()["message"]["content"] == HELLO


def test_streamed_tool_calls_arrive_whole(client):
    parts = list(client.chat(model="qwen2.5", messages=QUESTION, tools=[get_forecast], stream=True))
    assert [part.done for part in parts] == [False, True]
    assert parts[0].message.tool_calls[0].function.arguments == {"city": "Oslo"}


# Thinking

THOUGHT = "The user wants me to think. A short answer will do."


def test_chat_shows_thinking_when_asked(client):
    ask = [{"role": "user", "content": "think it over"}]
    response = client.chat(model="qwen3", messages=ask, think=True)
    assert (response.message.thinking, response.message.content) == (THOUGHT, "Done thinking.")
    assert client.chat(model="qwen3", messages=ask).message.thinking is None
    assert client.chat(model="qwen3", messages=ask, think="high").message.thinking == THOUGHT
    # The thinking goes back with the history, and fixtures do not match it.
    history = ask + [response.message, {"role": "user", "content": "hello"}]
    assert client.chat(model="qwen3", messages=history, think=True).message.content == HELLO


def test_streamed_thinking_comes_before_the_content(client):
    parts = list(client.chat(model="qwen3", messages=[{"role": "user", "content": "think it over"}], think=True, stream=True))
    thinking = [bool(part.message.thinking) for part in parts]
    assert thinking == sorted(thinking, reverse=True) and thinking[0]
    assert "".join(part.message.thinking or "" for part in parts) == THOUGHT
    assert "".join(part.message.content for part in parts) == "Done thinking."
    generated = list(client.generate(model="qwen3", prompt="think it over", think=True, stream=True))
    assert "".join(part.thinking or "" for part in generated) == THOUGHT
    assert "".join(part.response for part in generated) == "Done thinking."


def test_a_bad_think_value_is_refused(server):
    response = httpx.post(server.url + "/api/chat", json={"model": "qwen3", "think": "extreme", "messages": []})
    assert response.status_code == 400
    assert response.json()["error"].startswith('invalid think value: "extreme"')


# Embeddings


def test_embed_gives_a_vector_per_input(client):
    response = client.embed(model="nomic-embed-text", input=["apples and pears", "pears and apples", "carburettor"])
    assert [len(vector) for vector in response.embeddings] == [768, 768, 768]
    assert response.embeddings[0] == pytest.approx(response.embeddings[1])
    assert response.embeddings[0] != pytest.approx(response.embeddings[2], abs=1e-3)
    assert sum(value * value for value in response.embeddings[2]) == pytest.approx(1, abs=1e-4)
    assert response.prompt_eval_count == 13 and response.total_duration > response.load_duration > 0
    short = client.embed(model="nomic-embed-text", input="carburettor", dimensions=16, truncate=True, keep_alive="1m")
    assert [len(vector) for vector in short.embeddings] == [16]
    assert client.embed(model="nomic-embed-text", input="pinned vector").embeddings == [[0.6, 0.8]]


def test_the_older_embeddings_takes_one_prompt(client):
    vector = client.embeddings(model="nomic-embed-text", prompt="carburettor").embedding
    assert len(vector) == 768
    assert vector == pytest.approx(client.embed(model="nomic-embed-text", input="carburettor").embeddings[0])
    assert client.embeddings(model="nomic-embed-text", prompt="").embedding == []


# Models


def test_a_strict_server_lists_and_shows_models_without_fixtures():
    strict = start_strict()
    try:
        client = ollama.Client(host=strict.url)
        names = [model.model for model in client.list().models]
        assert "llama3.2:latest" in names and "gpt-4o" in names and "gemini-2.0-flash" in names
        assert len(names) == len(set(names))
        running = client.ps().models
        assert [model.model for model in running] == names
        assert all(model.expires_at > datetime.now(timezone.utc) for model in running)
        assert running[0].size_vram == running[0].size and running[0].context_length == 4096
        shown = client.show("llama3.2")
        assert (shown.details.family, shown.details.parameter_size) == ("llama", "3.2B")
        assert shown.capabilities == ["completion", "tools"]
        with pytest.raises(ollama.ResponseError) as missing:
            client.show("no-such-model")
        assert (missing.value.status_code, missing.value.error) == (404, "model 'no-such-model' not found")
        with pytest.raises(ollama.ResponseError) as refused:
            client.chat(model="llama3.2", messages=[{"role": "user", "content": "hello"}])
        assert refused.value.status_code == 404 and refused.value.error.startswith("No fixture matched")
    finally:
        strict.stop()


# Errors


@pytest.mark.parametrize("status", [400, 429, 500])
def test_fixture_errors_raise_response_error(client, status):
    for stream in (False, True):
        with pytest.raises(ollama.ResponseError) as raised:
            response = client.chat(model="llama3.2", messages=[{"role": "user", "content": f"status {status}"}], stream=stream)
            if stream:
                next(response)
        assert raised.value.status_code == status


def test_bad_requests_are_400s_in_ollamas_words(client):
    with pytest.raises(ollama.ResponseError) as raised:
        client.chat(model="llama3.2", messages=[{"role": "robot", "content": "hello"}])
    assert (raised.value.status_code, raised.value.error) == (400, 'invalid message role "robot": use system, user, assistant or tool')
    with pytest.raises(ollama.ResponseError) as raised:
        client.chat(model="llama3.2", messages=[{"role": "user", "content": "hello"}], options={"num_predict": "many"})
    assert raised.value.error == 'option "num_predict" must be of type integer'


def test_an_error_part_way_through_a_stream_raises(client):
    parts = []
    with pytest.raises(ollama.ResponseError) as raised:
        for part in client.generate(model="llama3.2", prompt="tell me a story", stream=True):
            parts.append(part.response)
    assert parts == ["Once upon a time"]
    assert raised.value.error == "the storyteller fell asleep"


# One fixture, every wire format


def test_one_fixture_answers_ollama_gemini_and_chat_completions(client, server):
    gemini = genai.Client(api_key="test-key", http_options=types.HttpOptions(base_url=server.url, api_version="v1beta"))
    chat = openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
    answers = [
        client.chat(model="llama3.2", messages=[{"role": "user", "content": "hello"}]).message.content,
        gemini.models.generate_content(model="gemini-2.0-flash", contents="hello").text,
        chat.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hello"}]).choices[0].message.content,
    ]
    assert answers == [HELLO] * 3
