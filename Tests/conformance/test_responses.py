"""The Responses API through the official `openai` package against the real binary: whole and
streamed replies, the stream helper, stored responses, previous_response_id, tool loops,
structured output and bad input."""

import json

import httpx
import openai
import pydantic
import pytest

from conftest import FIXTURES, Server

TOOLS = [
    {"type": "function", "name": "get_weather", "parameters": {"type": "object"}},
    {"type": "function", "name": "get_time", "description": "The time in a zone", "parameters": {"type": "object"}, "strict": False},
]


@pytest.fixture(scope="module")
def server():
    server = Server(["--config", str(FIXTURES / "responses.yaml")])
    yield server
    server.stop()


@pytest.fixture(scope="module")
def client(server):
    return openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)


def without_ids(response):
    """The response as a dict without what differs between two answers to one request."""
    data = response.model_dump()
    for key in ("id", "created_at", "completed_at"):
        data.pop(key)
    for item in data["output"]:
        item.pop("id")
        item.pop("call_id", None)
    return data


def test_string_input_gets_the_whole_response(client):
    response = client.responses.create(model="gpt-4o", input="hello there")
    assert response.object == "response"
    assert response.id.startswith("resp_")
    assert response.status == "completed"
    assert response.model == "gpt-4o"
    assert response.output_text == "Hi there! How can I help you today?"
    [message] = response.output
    assert message.type == "message" and message.role == "assistant" and message.status == "completed"
    assert message.id.startswith("msg_")
    assert message.content[0].type == "output_text"
    assert message.content[0].annotations == []
    assert response.usage.input_tokens > 0 and response.usage.output_tokens > 0
    assert response.usage.total_tokens == response.usage.input_tokens + response.usage.output_tokens
    assert response.usage.input_tokens_details.cached_tokens == 0
    assert response.usage.output_tokens_details.reasoning_tokens == 0
    assert response.error is None and response.incomplete_details is None
    assert response.store is True and response.parallel_tool_calls is True
    assert response.tool_choice == "auto" and response.tools == []
    assert response.temperature == 1.0 and response.top_p == 1.0
    assert response.text.format.type == "text"
    assert response.metadata == {} and response.previous_response_id is None and response.instructions is None
    assert response.created_at <= response.completed_at


def test_settings_are_echoed(client):
    response = client.responses.create(
        model="gpt-4o-mini",
        input=[{"role": "user", "content": [{"type": "input_text", "text": "hello"}]}],
        tools=TOOLS,
        tool_choice="none",
        temperature=0.2,
        top_p=0.5,
        max_output_tokens=100,
        metadata={"suite": "conformance"},
        parallel_tool_calls=False,
        user="user-1",
    )
    assert response.output_text.startswith("Hi there")
    assert response.model == "gpt-4o-mini"
    assert [tool.name for tool in response.tools] == ["get_weather", "get_time"]
    assert response.tools[0].strict is True and response.tools[1].strict is False
    assert response.tools[1].description == "The time in a zone"
    assert response.tool_choice == "none"
    assert (response.temperature, response.top_p, response.max_output_tokens) == (0.2, 0.5, 100)
    assert response.metadata == {"suite": "conformance"}
    assert response.parallel_tool_calls is False
    assert response.user == "user-1"


def test_logprobs_when_included(client):
    include = ["message.output_text.logprobs"]
    whole = client.responses.create(model="gpt-4o", input="hello there", include=include, top_logprobs=3)
    part = whole.output[0].content[0]
    assert "".join(token.token for token in part.logprobs) == part.text
    for token in part.logprobs:
        assert -10 < token.logprob < 0
        assert token.bytes == list(token.token.encode())
        assert len(token.top_logprobs) == 3 and token.top_logprobs[0].token == token.token
        assert [top.logprob for top in token.top_logprobs] == sorted((top.logprob for top in token.top_logprobs), reverse=True)
    again = client.responses.create(model="gpt-4o", input="hello there", include=include, top_logprobs=3)
    assert again.output[0].content[0].logprobs == part.logprobs, "the same text gets the same values"

    with client.responses.stream(model="gpt-4o", input="hello there", include=include, top_logprobs=3) as stream:
        events = list(stream)
    streamed = [token for event in events if event.type == "response.output_text.delta" for token in event.logprobs]
    assert [(token.token, token.logprob) for token in streamed] == [(token.token, token.logprob) for token in part.logprobs]
    [done] = [event for event in events if event.type == "response.output_text.done"]
    assert [token.token for token in done.logprobs] == [token.token for token in part.logprobs]
    [completed] = [event for event in events if event.type == "response.completed"]
    assert completed.response.output[0].content[0].logprobs == part.logprobs

    plain = client.responses.create(model="gpt-4o", input="hello there", top_logprobs=3)
    assert plain.output[0].content[0].logprobs == [], "top_logprobs alone does not include them"


def test_instructions_reach_matchers_as_a_system_message(client):
    response = client.responses.create(model="gpt-4o", instructions="Talk like a pirate.", input="ahoy")
    assert response.output_text == "Arr, matey!"
    assert response.instructions == "Talk like a pirate."
    plain = client.responses.create(model="gpt-4o", input="ahoy")
    assert plain.output_text == "This is a mock response from Lyrebird."


def test_streamed_events_come_in_order(client):
    events = list(client.responses.create(model="gpt-4o", input="tell me a story", stream=True))
    types = [event.type for event in events]
    deltas = [event for event in events if event.type == "response.output_text.delta"]
    assert len(deltas) > 3, "a long reply arrives in several deltas"
    assert types == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
        *["response.output_text.delta"] * len(deltas),
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    assert [event.sequence_number for event in events] == list(range(len(events)))
    created, added, done, completed = events[0], events[2], events[-2], events[-1]
    assert created.response.status == "in_progress" and created.response.output == [] and created.response.usage is None
    assert added.item.status == "in_progress" and added.item.content == []
    item_id = added.item.id
    assert all(delta.item_id == item_id and delta.output_index == 0 and delta.content_index == 0 for delta in deltas)
    text = "".join(delta.delta for delta in deltas)
    assert text == "Once upon a time, a lyrebird learned every song in the forest and sang them back, note for note."
    assert done.item.status == "completed" and done.item.content[0].text == text
    assert completed.response.id == created.response.id
    assert completed.response.output_text == text

    whole = client.responses.create(model="gpt-4o", input="tell me a story")
    assert without_ids(completed.response) == without_ids(whole)


def test_streamed_tool_calls(client):
    events = list(client.responses.create(model="gpt-4o", input="what is the weather in Paris?", tools=TOOLS, stream=True))
    added = [event for event in events if event.type == "response.output_item.added"]
    assert [(event.output_index, event.item.type, event.item.name) for event in added] == [
        (0, "function_call", "get_weather"),
        (1, "function_call", "get_time"),
    ]
    for event in added:
        assert event.item.id.startswith("fc_") and event.item.arguments == "" and event.item.status == "in_progress"
    arguments = {}
    for event in events:
        if event.type == "response.function_call_arguments.delta":
            assert event.item_id == added[event.output_index].item.id
            arguments[event.output_index] = arguments.get(event.output_index, "") + event.delta
    dones = [event for event in events if event.type == "response.function_call_arguments.done"]
    assert [event.arguments for event in dones] == [arguments[0], arguments[1]]
    assert json.loads(arguments[0]) == {"city": "Paris", "unit": "celsius"}
    # Each item is finished before the next begins.
    types = [event.type for event in events]
    assert types.index("response.output_item.done") < types.index("response.output_item.added", 3)
    completed = events[-1].response
    calls = [item for item in completed.output if item.type == "function_call"]
    assert [call.call_id for call in calls] == [event.item.call_id for event in added]

    whole = client.responses.create(model="gpt-4o", input="what is the weather in Paris?", tools=TOOLS)
    assert without_ids(completed) == without_ids(whole)


def test_stream_helper_accumulates_the_final_response(client):
    with client.responses.stream(model="gpt-4o", input="tell me a story") as stream:
        deltas = [event.delta for event in stream if event.type == "response.output_text.delta"]
        final = stream.get_final_response()
    assert final.output_text == "".join(deltas)
    assert final.status == "completed"
    retrieved = client.responses.retrieve(final.id)
    assert retrieved.output_text == final.output_text


def test_stream_helper_with_tool_calls(client):
    with client.responses.stream(model="gpt-4o", input="weather in Paris", tools=TOOLS) as stream:
        final = stream.get_final_response()
    assert [item.name for item in final.output] == ["get_weather", "get_time"]
    assert json.loads(final.output[1].arguments) == {"timezone": "Europe/Paris"}


def test_retrieve_and_delete(client):
    created = client.responses.create(model="gpt-4o", input="hello", metadata={"k": "v"})
    retrieved = client.responses.retrieve(created.id)
    assert retrieved.model_dump() == created.model_dump()
    assert client.responses.delete(created.id) is None
    with pytest.raises(openai.NotFoundError) as caught:
        client.responses.retrieve(created.id)
    assert f"'{created.id}'" in caught.value.message
    with pytest.raises(openai.NotFoundError):
        client.responses.delete(created.id)
    with pytest.raises(openai.NotFoundError):
        client.responses.input_items.list(created.id)


def test_delete_answers_the_deleted_shape(server, client):
    created = client.responses.create(model="gpt-4o", input="hello")
    deleted = httpx.delete(f"{server.base_url}/responses/{created.id}")
    assert deleted.status_code == 200
    assert deleted.json() == {"id": created.id, "object": "response.deleted", "deleted": True}


def test_store_false_keeps_nothing(client):
    created = client.responses.create(model="gpt-4o", input="hello", store=False)
    assert created.store is False
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve(created.id)
    with pytest.raises(openai.NotFoundError):
        client.responses.create(model="gpt-4o", input="hello", previous_response_id=created.id)


def test_input_items_are_listed_and_paged(client):
    items = [
        {"role": "developer", "content": "Be brief."},
        {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hello"}, {"type": "input_image", "image_url": "https://example.com/a.png"}]},
        {"role": "assistant", "content": "Hi."},
        {"role": "user", "content": "hello again"},
    ]
    created = client.responses.create(model="gpt-4o", input=items)
    listed = client.responses.input_items.list(created.id, order="asc")
    assert [item.role for item in listed.data] == ["developer", "user", "assistant", "user"]
    assert all(item.id.startswith("msg_") for item in listed.data)
    assert listed.data[1].content[1].type == "input_image"
    assert listed.data[1].content[1].image_url == "https://example.com/a.png"
    assert listed.data[2].content[0].type == "output_text"
    assert listed.first_id == listed.data[0].id and listed.last_id == listed.data[-1].id
    assert listed.has_more is False

    newest_first = client.responses.input_items.list(created.id)
    assert [item.id for item in newest_first.data] == [item.id for item in reversed(listed.data)]

    page = client.responses.input_items.list(created.id, limit=3, order="asc")
    assert len(page.data) == 3 and page.has_more is True
    assert [item.id for item in page] == [item.id for item in listed.data], "the paginator follows `after`"

    with pytest.raises(openai.BadRequestError) as caught:
        client.responses.input_items.list(created.id, limit=0)
    assert caught.value.param == "limit"


def test_previous_response_id_continues_the_conversation(client):
    first = client.responses.create(model="gpt-4o", input="Hi! my name is Ada")
    assert first.output_text == "Nice to meet you, Ada."
    second = client.responses.create(model="gpt-4o", input="what is my name?", previous_response_id=first.id)
    assert second.output_text == "Your name is Ada."
    assert second.previous_response_id == first.id
    assert second.usage.input_tokens > first.usage.input_tokens
    alone = client.responses.create(model="gpt-4o", input="what is my name?")
    assert alone.output_text == "I do not know your name."

    listed = client.responses.input_items.list(second.id, order="asc")
    assert [item.id for item in listed.data] == [
        client.responses.input_items.list(first.id).data[0].id,
        first.output[0].id,
        listed.data[2].id,
    ]
    assert listed.data[2].content[0].text == "what is my name?"


def test_previous_response_id_when_streaming(client):
    with client.responses.stream(model="gpt-4o", input="my name is Ada") as stream:
        first = stream.get_final_response()
    with client.responses.stream(model="gpt-4o", input="what is my name?", previous_response_id=first.id) as stream:
        second = stream.get_final_response()
    assert second.output_text == "Your name is Ada."


def test_unknown_previous_response_id(client):
    with pytest.raises(openai.NotFoundError) as caught:
        client.responses.create(model="gpt-4o", input="hello", previous_response_id="resp_missing")
    assert caught.value.code == "previous_response_not_found"
    assert caught.value.param == "previous_response_id"
    assert "resp_missing" in caught.value.message


@pytest.mark.parametrize("stream", [False, True])
def test_fixture_tool_loop(client, stream):
    def create(**kwargs):
        if not stream:
            return client.responses.create(model="gpt-4o", tools=[{"type": "function", "name": "get_forecast"}], **kwargs)
        with client.responses.stream(model="gpt-4o", tools=[{"type": "function", "name": "get_forecast"}], **kwargs) as events:
            return events.get_final_response()

    first = create(input="what is the forecast for Oslo?")
    [call] = first.output
    assert call.type == "function_call" and call.status == "completed"
    assert (call.call_id, call.name, json.loads(call.arguments)) == ("call_forecast", "get_forecast", {"city": "Oslo"})
    second = create(
        input=[{"type": "function_call_output", "call_id": call.call_id, "output": "rain"}], previous_response_id=first.id
    )
    assert second.output_text == "Take an umbrella: the forecast says rain."

    # The same loop with the whole conversation sent each time, as clients that do not store do.
    replayed = create(
        input=[
            {"role": "user", "content": "what is the forecast for Oslo?"},
            {"type": "function_call", "call_id": call.call_id, "name": call.name, "arguments": call.arguments},
            {"type": "function_call_output", "call_id": call.call_id, "output": [{"type": "input_text", "text": "rain"}]},
        ],
        store=False,
    )
    assert replayed.output_text == "Take an umbrella: the forecast says rain."


def test_lua_agent_tool_loop(client):
    tools = [{"type": "function", "name": "get_weather", "parameters": {"type": "object"}}]
    first = client.responses.create(model="gpt-4o", input="agent weather check in Rome", tools=tools)
    [call] = first.output
    assert json.loads(call.arguments) == {"city": "Rome"}
    result = json.dumps({"city": "Rome", "temperature": 21, "conditions": "sunny"})
    second = client.responses.create(
        model="gpt-4o",
        tools=tools,
        previous_response_id=first.id,
        input=[{"type": "function_call_output", "call_id": call.call_id, "output": result}],
    )
    assert second.output_text == "It is sunny and 21°C in Rome."


class Person(pydantic.BaseModel):
    name: str
    born: int


def test_parse_into_a_pydantic_model(client):
    response = client.responses.parse(model="gpt-4o", input="extract the person: Ada Lovelace, 1815", text_format=Person)
    assert response.output_parsed == Person(name="Ada Lovelace", born=1815)
    assert response.text.format.type == "json_schema"
    assert response.text.format.name == "Person"
    assert response.text.format.strict is True
    assert response.text.format.schema_["properties"]["born"]["type"] == "integer"


def test_a_reply_cut_short_is_incomplete(client):
    response = client.responses.create(model="gpt-4o", input="ramble")
    assert response.status == "incomplete"
    assert response.incomplete_details.reason == "max_output_tokens"
    assert response.output[0].status == "incomplete"
    events = list(client.responses.create(model="gpt-4o", input="ramble", stream=True))
    assert events[-1].type == "response.incomplete"
    assert without_ids(events[-1].response) == without_ids(response)


def test_errors_before_the_stream_are_plain_errors(client):
    with pytest.raises(openai.RateLimitError) as caught:
        client.responses.create(model="gpt-4o", input="boom", stream=True)
    assert caught.value.code == "rate_limit_exceeded"


def test_a_server_error_mid_stream_fails_the_response(client):
    events = list(client.responses.create(model="gpt-4o", input="stream but fail", stream=True))
    assert events[-1].type == "response.failed"
    failed = events[-1].response
    assert failed.status == "failed"
    assert failed.error.message == "the model fell over mid-stream"
    [partial] = failed.output
    assert partial.status == "incomplete"
    assert partial.content[0].text == "Let me look that up."
    with pytest.raises(RuntimeError, match="response.completed"):
        with client.responses.stream(model="gpt-4o", input="stream but fail") as stream:
            stream.get_final_response()


def test_other_errors_mid_stream_raise(client, server):
    with pytest.raises(openai.APIError) as caught:
        list(client.responses.create(model="gpt-4o", input="limit me later", stream=True))
    assert caught.value.message == "Rate limit reached mid-stream"
    raw = httpx.post(
        f"{server.base_url}/responses", json={"model": "gpt-4o", "input": "limit me later", "stream": True}
    ).text
    blocks = [block for block in raw.split("\n\n") if block]
    assert blocks[-1].startswith("event: error\ndata: ")
    error = json.loads(blocks[-1].split("data: ", 1)[1])
    assert error["type"] == "error" and error["code"] == "rate_limit_exceeded"
    assert error["error"] == {"type": "tokens", "code": "rate_limit_exceeded", "message": "Rate limit reached mid-stream", "param": None}
    assert "[DONE]" not in raw


def test_sse_framing(server):
    raw = httpx.post(f"{server.base_url}/responses", json={"model": "gpt-4o", "input": "hello", "stream": True})
    assert raw.headers["content-type"].startswith("text/event-stream")
    for block in [block for block in raw.text.split("\n\n") if block]:
        event, data = block.split("\n")
        assert event.startswith("event: ") and data.startswith("data: ")
        assert json.loads(data[len("data: "):])["type"] == event[len("event: "):]
    assert "[DONE]" not in raw.text


def test_unknown_fields_are_accepted(client):
    response = client.responses.create(
        model="gpt-4o",
        input="hello",
        reasoning={"effort": "low"},
        include=["message.output_text.logprobs"],
        truncation="auto",
        extra_body={"a_field_from_the_future": {"x": 1}},
    )
    assert response.output_text.startswith("Hi there")
    assert response.truncation == "auto"
    assert response.reasoning.effort == "low"


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"input": "hi"}, "model"),
        ({"model": "gpt-4o", "input": 5}, "input"),
        ({"model": "gpt-4o", "input": [{"role": "robot", "content": "hi"}]}, "input[0].role"),
        ({"model": "gpt-4o", "input": [{"role": "user"}]}, "input[0].content"),
        ({"model": "gpt-4o", "input": [{"role": "assistant", "content": [{"type": "input_text", "text": "hi"}]}]}, "input[0].content[0].type"),
        ({"model": "gpt-4o", "input": [{"role": "user", "content": [{"type": "input_text"}]}]}, "input[0].content[0].text"),
        ({"model": "gpt-4o", "input": [{"type": "function_call_output", "output": "x"}]}, "input[0].call_id"),
        ({"model": "gpt-4o", "input": [{"type": "function_call", "call_id": "c", "name": "f", "arguments": {}}]}, "input[0].arguments"),
        ({"model": "gpt-4o", "input": "hi", "temperature": 3}, "temperature"),
        ({"model": "gpt-4o", "input": "hi", "max_output_tokens": 5}, "max_output_tokens"),
        ({"model": "gpt-4o", "input": "hi", "tools": [{"type": "function"}]}, "tools[0].name"),
        ({"model": "gpt-4o", "input": "hi", "tool_choice": "sometimes"}, "tool_choice"),
        ({"model": "gpt-4o", "input": "hi", "text": {"format": {"type": "json_schema", "schema": {}}}}, "text.format.name"),
        ({"model": "gpt-4o", "input": "hi", "text": {"format": {"type": "yaml"}}}, "text.format.type"),
        ({"model": "gpt-4o", "input": "hi", "metadata": {"k": 1}}, "metadata.k"),
        ({"model": "gpt-4o", "input": "hi", "store": "yes"}, "store"),
        ({"model": "gpt-4o", "input": "hi", "stream_options": {"include_obfuscation": False}}, "stream_options"),
    ],
)
def test_bad_input_names_the_parameter(server, body, param):
    response = httpx.post(f"{server.base_url}/responses", json=body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["param"] == param
    assert error["type"] == "invalid_request_error"
    # Messages name the parameter, except "Invalid value: 'x'. Supported values are: ..." ones,
    # which leave it to `param` as the API does.
    assert param in error["message"] or error["message"].startswith("Invalid value: ")


def test_bad_input_through_the_sdk(client):
    with pytest.raises(openai.BadRequestError) as caught:
        client.responses.create(model="gpt-4o", input=[{"role": "user", "content": "hi"}], temperature=9)
    assert caught.value.param == "temperature"
