"""The Gemini provider plugin (libLyrebirdGemini.so) through Google's official `google-genai` client,
pointed at the server with `http_options=types.HttpOptions(base_url=..., api_version=...)`."""

import asyncio
from typing import Optional

import httpx
import jsonschema
import openai
import pytest
from google import genai
from google.genai import errors, types
from pydantic import BaseModel

from conftest import send_beside_health
from provider_plugins import start, start_strict

HELLO = "Hi there! How can I help you today?"
MODEL = "gemini-2.0-flash"


@pytest.fixture(scope="module")
def server():
    running = start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def strict_server():
    running = start_strict()
    yield running
    running.stop()


def client_for(server, version="v1beta"):
    return genai.Client(api_key="test-key", http_options=types.HttpOptions(base_url=server.url, api_version=version))


@pytest.fixture(scope="module")
def client(server):
    return client_for(server)


def get_forecast(city: str) -> str:
    """Gets the forecast for a city."""
    get_forecast.cities.append(city)
    return "rain"


get_forecast.cities = []


# Generating content


@pytest.mark.parametrize("version", ["v1beta", "v1"])
def test_generate_content_under_both_api_versions(server, version):
    # Kept in a variable: a client that is garbage collected closes its connection pool.
    client = client_for(server, version)
    response = client.models.generate_content(model=MODEL, contents="hello")
    assert response.text == HELLO
    assert response.candidates[0].finish_reason == types.FinishReason.STOP
    assert response.candidates[0].content.role == "model"
    assert response.model_version == MODEL
    assert response.response_id
    usage = response.usage_metadata
    # 3 + 4 per message + "hello" (2); the reply is 12 tokens.
    assert (usage.prompt_token_count, usage.candidates_token_count, usage.total_token_count) == (9, 12, 21)


def test_streamed_chunks_join_into_the_reply(client):
    chunks = list(client.models.generate_content_stream(model=MODEL, contents="hello"))
    assert len(chunks) > 2
    assert "".join(chunk.text for chunk in chunks) == HELLO
    assert all(chunk.candidates[0].finish_reason is None for chunk in chunks[:-1])
    assert chunks[-1].candidates[0].finish_reason == types.FinishReason.STOP
    assert chunks[-1].usage_metadata.total_token_count == 21


def test_the_async_client_streams_and_counts(client):
    async def run():
        text = ""
        async for chunk in await client.aio.models.generate_content_stream(model=MODEL, contents="hello"):
            text += chunk.text
        counted = await client.aio.models.count_tokens(model=MODEL, contents="hello")
        return text, counted.total_tokens

    assert asyncio.run(run()) == (HELLO, 9)


def test_system_instruction_tools_and_candidate_count_reach_the_fixtures(client):
    declaration = types.FunctionDeclaration(name="get_forecast", parameters_json_schema={"type": "object"})
    config = types.GenerateContentConfig(
        system_instruction="Be brief.", tools=[types.Tool(function_declarations=[declaration])], candidate_count=2
    )
    response = client.models.generate_content(model=MODEL, contents="describe the request", config=config)
    assert [candidate.content.parts[0].text for candidate in response.candidates] == [
        "generateContent | Be brief. | get_forecast | 2"
    ] * 2
    assert [candidate.index for candidate in response.candidates] == [0, 1]


def test_a_json_reply_parses_into_the_response_schema(client):
    class Weather(BaseModel):
        city: str
        temperature: int

    config = types.GenerateContentConfig(response_mime_type="application/json", response_schema=Weather)
    response = client.models.generate_content(model=MODEL, contents="json weather", config=config)
    assert response.parsed == Weather(city="Paris", temperature=21)


def test_response_schema_in_googles_dialect_gets_a_document_that_parses(client):
    # No fixture matches: the reply is a document generated from the schema, which google-genai
    # sends in Google's dialect (upper-case types, nullable, property_ordering).
    class Recipe(BaseModel):
        name: str
        ingredients: list[str]
        minutes: Optional[int]
        tags: list[str] = []

    config = types.GenerateContentConfig(response_mime_type="application/json", response_schema=Recipe)
    response = client.models.generate_content(model=MODEL, contents="a recipe for soup", config=config)
    assert isinstance(response.parsed, Recipe)
    assert response.parsed.name and response.parsed.ingredients
    again = client.models.generate_content(model=MODEL, contents="a recipe for soup", config=config)
    assert again.parsed == response.parsed


# Function calling


def test_a_function_call_and_its_response_by_hand(client):
    tools = [types.Tool(function_declarations=[types.FunctionDeclaration(name="get_forecast")])]
    config = types.GenerateContentConfig(tools=tools, automatic_function_calling=types.AutomaticFunctionCallingConfig(disable=True))
    question = types.Content(role="user", parts=[types.Part(text="What is the forecast for Oslo?")])
    first = client.models.generate_content(model=MODEL, contents=[question], config=config)
    call = first.function_calls[0]
    assert (call.name, call.args) == ("get_forecast", {"city": "Oslo"})
    assert call.id.startswith("call_")
    answer = types.Part.from_function_response(name=call.name, response={"result": "rain"})
    contents = [question, first.candidates[0].content, types.Content(role="user", parts=[answer])]
    second = client.models.generate_content(model=MODEL, contents=contents, config=config)
    assert second.text == "Take an umbrella."


def test_automatic_function_calling_finishes_the_loop(client):
    get_forecast.cities.clear()
    config = types.GenerateContentConfig(tools=[get_forecast])
    response = client.models.generate_content(model=MODEL, contents="What is the forecast for Oslo?", config=config)
    assert response.text == "Take an umbrella."
    assert get_forecast.cities == ["Oslo"]
    assert len(response.automatic_function_calling_history) == 3


def test_a_streamed_chat_calls_the_function_and_streams_the_answer(client):
    get_forecast.cities.clear()
    chat = client.chats.create(model=MODEL, config=types.GenerateContentConfig(tools=[get_forecast]))
    chunks = list(chat.send_message_stream("What is the forecast for Oslo?"))
    assert chunks[0].function_calls[0].args == {"city": "Oslo"}
    assert "".join(chunk.text or "" for chunk in chunks) == "Take an umbrella."
    assert get_forecast.cities == ["Oslo"]


def test_a_forced_function_call_fits_the_declarations_schema(client):
    # No fixture matches: the host calls the first allowed function with arguments generated from
    # its parameters, which google-genai sends in Google's dialect.
    book = types.FunctionDeclaration(
        name="book_table",
        parameters=types.Schema(
            type="OBJECT",
            properties={
                "guests": types.Schema(type="INTEGER", minimum=1, maximum=12),
                "time": types.Schema(type="STRING", format="date-time"),
                "notes": types.Schema(type="STRING", nullable=True),
            },
            required=["guests", "time", "notes"],
        ),
    )
    weather = types.FunctionDeclaration(name="get_weather", parameters_json_schema={"type": "object"})
    config = types.GenerateContentConfig(
        tools=[types.Tool(function_declarations=[weather, book])],
        tool_config=types.ToolConfig(
            function_calling_config=types.FunctionCallingConfig(mode="ANY", allowed_function_names=["book_table"])
        ),
    )
    response = client.models.generate_content(model=MODEL, contents="what now?", config=config)
    (call,) = response.function_calls
    assert call.name == "book_table"
    schema = {
        "type": "object",
        "properties": {
            "guests": {"type": "integer", "minimum": 1, "maximum": 12},
            "time": {"type": "string"},
            "notes": {"type": ["string", "null"]},
        },
        "required": ["guests", "time", "notes"],
    }
    jsonschema.validate(call.args, schema)


# Thoughts

THOUGHT = "The user wants me to think. A short answer will do."


def test_thoughts_are_parts_before_the_answer_when_asked_for(client):
    config = types.GenerateContentConfig(thinking_config=types.ThinkingConfig(include_thoughts=True))
    response = client.models.generate_content(model=MODEL, contents="think it over", config=config)
    parts = response.candidates[0].content.parts
    assert [(part.thought, part.text) for part in parts] == [(True, THOUGHT), (None, "Done thinking.")]
    assert response.text == "Done thinking."
    usage = response.usage_metadata
    assert usage.thoughts_token_count > 0
    total = usage.prompt_token_count + usage.candidates_token_count + usage.thoughts_token_count
    assert usage.total_token_count == total
    hidden = client.models.generate_content(model=MODEL, contents="think it over")
    assert [part.thought for part in hidden.candidates[0].content.parts] == [None]
    assert hidden.usage_metadata.thoughts_token_count == usage.thoughts_token_count


def test_streamed_thoughts_come_first(client):
    config = types.GenerateContentConfig(thinking_config=types.ThinkingConfig(include_thoughts=True))
    chunks = list(client.models.generate_content_stream(model=MODEL, contents="think it over", config=config))
    parts = [part for chunk in chunks for part in chunk.candidates[0].content.parts]
    flags = [bool(part.thought) for part in parts]
    assert flags == sorted(flags, reverse=True) and flags[0]
    assert "".join(part.text for part in parts if part.thought) == THOUGHT
    assert "".join(chunk.text or "" for chunk in chunks) == "Done thinking."
    assert chunks[-1].usage_metadata.thoughts_token_count > 0


def test_a_chat_sends_thoughts_back(client):
    config = types.GenerateContentConfig(thinking_config=types.ThinkingConfig(include_thoughts=True))
    chat = client.chats.create(model=MODEL, config=config)
    assert chat.send_message("think it over").text == "Done thinking."
    assert chat.send_message("hello").text == HELLO
    assert any(part.thought for part in chat.get_history()[1].parts)


# Counting tokens and listing models


def test_many_function_responses_are_paired_in_linear_time(server):
    # Every response names an id no call has, so each one looks through all the calls.
    calls = 30_000
    body = {
        "contents": [
            {"role": "model", "parts": [{"functionCall": {"name": "f"}}] * calls},
            {"role": "user", "parts": [{"functionResponse": {"name": "f", "id": "nope", "response": {}}}] * calls},
            {"role": "user", "parts": [{"text": "hello"}]},
        ]
    }
    response = send_beside_health(server, f"/v1beta/models/{MODEL}:generateContent", body)
    assert response.status_code == 200
    assert response.json()["candidates"][0]["content"]["parts"][0]["text"] == HELLO


def test_count_tokens_agrees_with_the_usage_of_the_same_contents(client):
    contents = [
        types.Content(role="user", parts=[types.Part(text="Héllo, wörld! 12345 😀 naïve—test")]),
        types.Content(role="model", parts=[types.Part(function_call=types.FunctionCall(name="lookup", args={"q": "x y"}))]),
        types.Content(role="user", parts=[types.Part.from_function_response(name="lookup", response={"result": "found"})]),
    ]
    counted = client.models.count_tokens(model=MODEL, contents=contents)
    generated = client.models.generate_content(model=MODEL, contents=contents)
    assert counted.total_tokens == generated.usage_metadata.prompt_token_count
    assert counted.total_tokens > 9


def test_a_strict_server_lists_and_counts_without_fixtures(strict_server):
    client = client_for(strict_server)
    names = [model.name for model in client.models.list()]
    assert "models/gemini-2.0-flash" in names and "models/gpt-4o" in names
    assert len(names) == len(set(names))
    first_page = client.models.list(config={"page_size": 2})
    assert [model.name for model in first_page.page] == names[:2]
    model = client.models.get(model="gemini-2.5-flash")
    assert (model.name, model.display_name) == ("models/gemini-2.5-flash", "Gemini 2.5 Flash")
    assert model.supported_actions == ["generateContent", "countTokens"]
    assert client.models.count_tokens(model=MODEL, contents="hello").total_tokens == 9
    with pytest.raises(errors.ClientError) as refused:
        client.models.generate_content(model=MODEL, contents="hello")
    assert refused.value.code == 404 and refused.value.message.startswith("No fixture matched")


def test_the_v1_model_list_is_geminis_for_googles_clients_and_openais_for_the_rest(server):
    client = client_for(server, "v1")
    names = [model.name for model in client.models.list()]
    assert "models/gemini-2.0-flash" in names and "models/gpt-4o" in names
    assert client.models.get(model="gemini-2.5-flash").display_name == "Gemini 2.5 Flash"
    chat = openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
    assert "gpt-4o" in [model.id for model in chat.models.list()]
    assert chat.models.retrieve("gpt-4o").object == "model"


# Embeddings


def test_embed_content_gives_one_vector_per_content(client):
    one = client.models.embed_content(model="gemini-embedding-001", contents="the cat sat on the mat")
    (vector,) = one.embeddings
    assert len(vector.values) == 3072
    assert sum(value * value for value in vector.values) == pytest.approx(1, abs=1e-4)
    config = types.EmbedContentConfig(output_dimensionality=16, task_type="RETRIEVAL_DOCUMENT")
    contents = ["apples and pears", "pears and apples", "carburettor"]
    many = client.models.embed_content(model="gemini-embedding-001", contents=contents, config=config)
    vectors = [embedding.values for embedding in many.embeddings]
    assert [len(values) for values in vectors] == [16, 16, 16]
    # The same words point the same way; other words elsewhere.
    assert vectors[0] == pytest.approx(vectors[1], abs=1e-6)
    assert vectors[0] != pytest.approx(vectors[2], abs=1e-3)


def test_fixtures_pin_embedding_vectors(client, server):
    pinned = client.models.embed_content(model="gemini-embedding-001", contents=["a", "pinned vector"])
    assert [embedding.values for embedding in pinned.embeddings] == [[0.6, 0.8], [0.6, 0.8]]
    # The single form, which the client does not use.
    response = httpx.post(
        f"{server.url}/v1beta/models/gemini-embedding-001:embedContent",
        headers={"x-goog-api-key": "test-key"},
        json={"content": {"parts": [{"text": "pinned vector"}]}},
    )
    assert response.json() == {"embedding": {"values": [0.6, 0.8]}}


# Errors


def test_an_unknown_model_is_a_client_error(client):
    with pytest.raises(errors.ClientError) as raised:
        client.models.get(model="no-such-model")
    assert (raised.value.code, raised.value.status) == (404, "NOT_FOUND")
    assert raised.value.message.startswith("models/no-such-model is not found")


@pytest.mark.parametrize(
    "code, kind, status, message",
    [
        (400, errors.ClientError, "INVALID_ARGUMENT", "bad request from a fixture"),
        (429, errors.ClientError, "RESOURCE_EXHAUSTED", "slow down"),
        (500, errors.ServerError, "INTERNAL", "it broke"),
    ],
)
def test_fixture_errors_raise_the_clients_exceptions(client, code, kind, status, message):
    for call in (client.models.generate_content, lambda **kwargs: list(client.models.generate_content_stream(**kwargs))):
        with pytest.raises(kind) as raised:
            call(model=MODEL, contents=f"status {code}")
        assert (raised.value.code, raised.value.status, raised.value.message) == (code, status, message)


def test_an_unknown_method_of_a_model_is_not_found(server):
    for version in ("v1beta", "v1"):
        response = httpx.post(
            f"{server.url}/{version}/models/{MODEL}:foo", headers={"x-goog-api-key": "test-key"}, json={"contents": []}
        )
        assert response.status_code == 404
        assert response.json() == {"error": {"code": 404, "message": "Method not found.", "status": "NOT_FOUND"}}


def test_a_bad_request_names_the_field(client):
    contents = [types.Content(role="assistant", parts=[types.Part(text="hello")])]
    with pytest.raises(errors.ClientError) as raised:
        client.models.generate_content(model=MODEL, contents=contents)
    assert raised.value.message == "Please use a valid role: user, model."
    assert raised.value.details["error"]["details"][0]["fieldViolations"][0]["field"] == "contents[0].role"


def test_an_error_part_way_through_a_stream_raises(client):
    chunks = []
    with pytest.raises(errors.ServerError) as raised:
        for chunk in client.models.generate_content_stream(model=MODEL, contents="tell me a story"):
            chunks.append(chunk.text)
    assert chunks == ["Once upon a time"]
    assert (raised.value.code, raised.value.message) == (503, "the storyteller fell asleep")


def test_without_alt_sse_a_stream_is_a_json_array(server):
    response = httpx.post(
        f"{server.url}/v1beta/models/{MODEL}:streamGenerateContent", json={"contents": [{"parts": [{"text": "hello"}]}]}
    )
    assert response.status_code == 200
    body = response.json()
    assert [item["candidates"][0]["content"]["parts"][0]["text"] for item in body] == [HELLO]


def test_a_part_the_decoder_cannot_read_as_text_still_crosses_the_plugin_abi(server):
    # Found by Fuzz/e2e.py: a part {"text": null} is kept as a part of its own kind, named "text",
    # which the host could not read back from the plugin (a 500).
    response = httpx.post(
        f"{server.url}/v1beta/models/{MODEL}:generateContent", json={"contents": [{"parts": [{"text": None}, {"text": "hello"}]}]}
    )
    assert response.status_code == 200, response.text
    assert response.json()["candidates"][0]["content"]["parts"][0]["text"] == HELLO
