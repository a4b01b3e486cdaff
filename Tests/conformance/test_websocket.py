"""WebSocket transports against the real binary: the Responses WebSocket mode through the
official `openai` package (`client.responses.connect()`) and a plain `websockets` client, and
chat over WebSocket (`/v1/chat`, Lyrebird's envelope). Replies must be the same as over HTTP."""

import json
import time

import httpx
import openai
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from conftest import FIXTURES, Server

TERMINAL = {"response.completed", "response.incomplete", "response.failed", "error"}
TOOLS = [
    {"type": "function", "name": "get_weather", "parameters": {"type": "object"}},
    {"type": "function", "name": "get_time", "parameters": {"type": "object"}},
]
CHAT = [{"role": "user", "content": "tell me a story"}]

needs_sdk_websocket_mode = pytest.mark.skipif(
    not hasattr(openai.OpenAI(api_key="sk-test").responses, "connect"),
    reason="this openai package has no Responses WebSocket mode",
)


@pytest.fixture(scope="module")
def server():
    server = Server(["--config", str(FIXTURES / "websocket.yaml")])
    yield server
    server.stop()


@pytest.fixture(scope="module")
def client(server):
    return openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)


def ws_url(server, path):
    return server.url.replace("http://", "ws://", 1) + path


def receive_until_terminal(ws):
    """The events of one response as dicts, read from a plain WebSocket."""
    events = []
    while not events or events[-1]["type"] not in TERMINAL:
        events.append(json.loads(ws.recv(timeout=10)))
    return events


def sdk_events(connection):
    """The events of one response as the SDK parses them."""
    events = []
    for event in connection:
        events.append(event)
        if event.type in TERMINAL:
            return events
    raise AssertionError("the connection ended before the response did")


def chat_messages(ws, request_id):
    """The messages of one chat request, through its `chat.done` or `error`."""
    messages = []
    while not messages or messages[-1]["type"] not in ("chat.done", "error"):
        message = json.loads(ws.recv(timeout=10))
        assert message["id"] == request_id
        messages.append(message)
    return messages


def without_ids(value):
    """`value` without what differs between two answers to one request: ids and times."""
    if isinstance(value, dict):
        return {
            key: without_ids(item)
            for key, item in value.items()
            if key not in ("id", "item_id", "call_id", "created_at", "completed_at", "created")
        }
    if isinstance(value, list):
        return [without_ids(item) for item in value]
    return value


def sse_events(server, body):
    """The events of a streamed HTTP response, as dicts."""
    raw = httpx.post(f"{server.base_url}/responses", json={**body, "stream": True}, timeout=10).text
    return [json.loads(block.split("data: ", 1)[1]) for block in raw.split("\n\n") if block]


# The Responses WebSocket mode


@needs_sdk_websocket_mode
def test_the_sdk_runs_several_responses_on_one_connection(client):
    with client.responses.connect() as connection:
        connection.response.create(model="gpt-4o", input="hello there")
        first = sdk_events(connection)
        connection.response.create(model="gpt-4o", input="tell me a story")
        second = sdk_events(connection)
    for events in (first, second):
        assert events[0].type == "response.created" and events[-1].type == "response.completed"
        assert [event.sequence_number for event in events] == list(range(len(events)))
    assert first[-1].response.output_text == "Hi there! How can I help you today?"
    assert second[-1].response.output_text.startswith("Once upon a time")
    assert first[-1].response.id != second[-1].response.id
    deltas = [event.delta for event in second if event.type == "response.output_text.delta"]
    assert len(deltas) > 3 and "".join(deltas) == second[-1].response.output_text


@pytest.mark.parametrize(
    "body",
    [
        {"model": "gpt-4o", "input": "tell me a story"},
        {"model": "gpt-4o", "input": "weather in Paris", "tools": TOOLS},
        {"model": "gpt-4o", "input": "stream but fail"},
    ],
)
def test_events_are_the_sse_events(server, body):
    with connect(ws_url(server, "/v1/responses")) as ws:
        ws.send(json.dumps({"type": "response.create", **body}))
        over_websocket = receive_until_terminal(ws)
    assert without_ids(over_websocket) == without_ids(sse_events(server, body))


@needs_sdk_websocket_mode
def test_previous_response_id_across_messages_and_with_http(client):
    with client.responses.connect() as connection:
        connection.response.create(model="gpt-4o", input="my name is Ada")
        first = sdk_events(connection)[-1].response
        connection.response.create(model="gpt-4o", input="what is my name?", previous_response_id=first.id)
        second = sdk_events(connection)[-1].response
        assert second.output_text == "Your name is Ada."
        assert second.previous_response_id == first.id

        # A response made over HTTP continues over the WebSocket, and the other way round.
        over_http = client.responses.create(model="gpt-4o", input="my name is Ada")
        connection.response.create(model="gpt-4o", input="what is my name?", previous_response_id=over_http.id)
        assert sdk_events(connection)[-1].response.output_text == "Your name is Ada."
    assert client.responses.retrieve(second.id).output_text == "Your name is Ada."
    again = client.responses.create(model="gpt-4o", input="what is my name?", previous_response_id=first.id)
    assert again.output_text == "Your name is Ada."


@needs_sdk_websocket_mode
def test_an_error_is_one_message_and_the_connection_stays_usable(client):
    with client.responses.connect() as connection:
        connection.response.create(model="gpt-4o", input="hello", previous_response_id="resp_missing")
        [error] = sdk_events(connection)
        assert type(error).__name__ == "ResponseWsError"
        assert error.status == 404
        assert error.error.code == "previous_response_not_found" and error.error.param == "previous_response_id"

        connection.response.create(model="gpt-4o", input="boom")
        [error] = sdk_events(connection)
        assert (error.status, error.error.type, error.error.code) == (429, "requests", "rate_limit_exceeded")

        connection.response.create(model="gpt-4o", input="hello")
        assert sdk_events(connection)[-1].response.output_text == "Hi there! How can I help you today?"


def test_messages_that_are_no_request_get_an_error_each(server):
    with connect(ws_url(server, "/v1/responses")) as ws:
        for message, param, code in [
            ("not json", None, "invalid_json"),
            ("[1, 2]", None, "invalid_json"),
            (json.dumps({"type": "response.steer", "input": "x"}), "type", "invalid_value"),
            (json.dumps({"model": "gpt-4o", "input": "hello"}), "type", "missing_required_parameter"),
            (json.dumps({"type": "response.create", "input": "hello"}), "model", "missing_required_parameter"),
            (json.dumps({"type": "response.create", "model": "gpt-4o", "stream_id": "a b"}), "stream_id", "invalid_value"),
        ]:
            ws.send(message)
            error = json.loads(ws.recv(timeout=10))
            assert error["type"] == "error" and error["status"] == 400, message
            assert (error["error"]["param"], error["error"]["code"]) == (param, code), message
        ws.send(json.dumps({"type": "response.create", "model": "gpt-4o", "input": "hello"}))
        assert receive_until_terminal(ws)[-1]["type"] == "response.completed"


def test_errors_mid_stream_are_the_streams_own_events(server):
    with connect(ws_url(server, "/v1/responses")) as ws:
        ws.send(json.dumps({"type": "response.create", "model": "gpt-4o", "input": "limit me later"}))
        events = receive_until_terminal(ws)
        assert events[-1]["type"] == "error"
        assert events[-1]["error"]["code"] == "rate_limit_exceeded"
        assert events[-1]["sequence_number"] == len(events) - 1
        ws.send(json.dumps({"type": "response.create", "model": "gpt-4o", "input": "hello"}))
        assert receive_until_terminal(ws)[-1]["type"] == "response.completed"


@needs_sdk_websocket_mode
def test_a_tool_loop_over_one_connection(client):
    tools = [{"type": "function", "name": "get_forecast"}]
    with client.responses.connect() as connection:
        connection.response.create(model="gpt-4o", input="what is the forecast for Oslo?", tools=tools)
        events = sdk_events(connection)
        [call] = events[-1].response.output
        assert (call.type, call.call_id, json.loads(call.arguments)) == ("function_call", "call_forecast", {"city": "Oslo"})
        assert [event.delta for event in events if event.type == "response.function_call_arguments.delta"] != []
        connection.response.create(
            model="gpt-4o",
            tools=tools,
            previous_response_id=events[-1].response.id,
            input=[{"type": "function_call_output", "call_id": call.call_id, "output": "rain"}],
        )
        assert sdk_events(connection)[-1].response.output_text == "Take an umbrella: the forecast says rain."


def test_a_second_request_waits_for_the_first_on_its_lane(server):
    with connect(ws_url(server, "/v1/responses")) as ws:
        ws.send(json.dumps({"type": "response.create", "model": "gpt-4o", "input": "slowly please"}))
        ws.send(json.dumps({"type": "response.create", "model": "gpt-4o", "input": "hello"}))
        first = receive_until_terminal(ws)
        second = receive_until_terminal(ws)
    assert first[-1]["response"]["output"][0]["content"][0]["text"] == "Sorry to keep you waiting."
    assert second[-1]["response"]["output"][0]["content"][0]["text"] == "Hi there! How can I help you today?"
    assert all("stream_id" not in event for event in first + second)


def test_lanes_run_side_by_side_and_name_their_events(server):
    with connect(ws_url(server, "/v1/responses")) as ws:
        ws.send(json.dumps({"type": "response.create", "stream_id": "slow-lane", "model": "gpt-4o", "input": "slowly please"}))
        ws.send(json.dumps({"type": "response.create", "stream_id": "fast-lane", "model": "gpt-4o", "input": "hello"}))
        events = []
        while sum(event["type"] == "response.completed" for event in events) < 2:
            events.append(json.loads(ws.recv(timeout=10)))
    completed = [event["stream_id"] for event in events if event["type"] == "response.completed"]
    assert completed == ["fast-lane", "slow-lane"], "the quick reply does not wait behind the slow one"
    for lane in ("slow-lane", "fast-lane"):
        numbers = [event["sequence_number"] for event in events if event["stream_id"] == lane]
        assert numbers == list(range(len(numbers)))


def test_websocket_requests_are_journaled(server):
    with connect(ws_url(server, "/v1/responses")) as ws:
        ws.send(json.dumps({"type": "response.create", "model": "gpt-4o-mini", "input": "hello from the journal"}))
        receive_until_terminal(ws)
    entries = httpx.get(f"{server.url}/journal").json()["data"]
    [entry] = [entry for entry in entries if entry["model"] == "gpt-4o-mini"]
    assert entry["method"] == "WEBSOCKET" and entry["path"] == "/v1/responses"
    assert (entry["operation"], entry["source"], entry["status"], entry["streamed"]) == ("responses", "greet", 200, True)


# Chat over WebSocket


def chat_request(request_id, content):
    request = {"model": "gpt-4o", "messages": [{"role": "user", "content": content}]}
    return json.dumps({"type": "chat.request", "id": request_id, "request": request})


def chunk_text(messages):
    """The reply text that the `chat.chunk` messages carry."""
    chunks = [message["chunk"] for message in messages if message["type"] == "chat.chunk"]
    return "".join(chunk["choices"][0]["delta"].get("content") or "" for chunk in chunks if chunk["choices"])


def test_chat_runs_two_requests_on_one_connection_with_the_http_stream_s_chunks(server, client):
    with connect(ws_url(server, "/v1/chat")) as ws:
        ws.send(chat_request("first", "tell me a story"))
        first = chat_messages(ws, "first")
        ws.send(chat_request("second", "weather in Paris"))
        second = chat_messages(ws, "second")
    assert [message["type"] for message in first][-1] == "chat.done"
    chunks = [message["chunk"] for message in first[:-1]]
    assert all(chunk["object"] == "chat.completion.chunk" for chunk in chunks)
    assert len({chunk["id"] for chunk in chunks}) == 1
    with client.chat.completions.stream(model="gpt-4o", messages=CHAT) as stream:
        over_http = stream.get_final_completion()
    assert chunk_text(first) == over_http.choices[0].message.content

    streamed = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "weather in Paris"}], stream=True)
    http_chunks = [chunk.model_dump(exclude_unset=True) for chunk in streamed]
    assert without_ids([message["chunk"] for message in second[:-1]]) == without_ids(http_chunks)
    calls = [chunk["choices"][0]["delta"].get("tool_calls") for chunk in http_chunks if chunk["choices"]]
    assert any(calls), "the tool calls came through"


def test_chat_requests_in_flight_together_interleave(server):
    with connect(ws_url(server, "/v1/chat")) as ws:
        ws.send(chat_request("slow", "slowly please"))
        ws.send(chat_request("fast", "hello"))
        messages = []
        while sum(message["type"] == "chat.done" for message in messages) < 2:
            messages.append(json.loads(ws.recv(timeout=10)))
    done = [message["id"] for message in messages if message["type"] == "chat.done"]
    assert done == ["fast", "slow"]
    assert chunk_text([message for message in messages if message["id"] == "slow"]) == "Sorry to keep you waiting."


def test_chat_errors_are_error_messages_with_the_request_s_id(server):
    with connect(ws_url(server, "/v1/chat")) as ws:
        ws.send(chat_request("limited", "boom"))
        [error] = chat_messages(ws, "limited")
        assert error == {
            "type": "error",
            "id": "limited",
            "status": 429,
            "error": {"type": "requests", "code": "rate_limit_exceeded", "message": "Rate limit reached for requests", "param": None},
        }

        ws.send(chat_request("late", "stream but fail"))
        messages = chat_messages(ws, "late")
        assert [message["type"] for message in messages[:-1]] == ["chat.chunk"] * (len(messages) - 1)
        assert messages[-1]["type"] == "error" and messages[-1]["status"] == 503

        ws.send(json.dumps({"type": "chat.request", "request": {"model": "gpt-4o"}}))
        error = json.loads(ws.recv(timeout=10))
        assert (error["id"], error["error"]["param"]) == (None, "id")
        ws.send(json.dumps({"type": "chat.request", "id": "no-messages", "request": {"model": "gpt-4o"}}))
        [error] = chat_messages(ws, "no-messages")
        assert error["status"] == 400 and error["error"]["param"] == "messages"

        ws.send(chat_request("after", "hello"))
        assert chat_messages(ws, "after")[-1]["type"] == "chat.done"


# Upgrades and limits


def test_routes_without_websocket_refuse_the_upgrade(server):
    with pytest.raises(InvalidStatus) as caught:
        connect(ws_url(server, "/v1/embeddings"))
    refused = caught.value.response
    assert refused.status_code == 400
    assert json.loads(refused.body)["error"]["code"] == "websocket_not_supported"
    with pytest.raises(InvalidStatus) as caught:
        connect(ws_url(server, "/v1/nowhere"))
    assert caught.value.response.status_code == 404
    plain = httpx.get(f"{server.base_url}/chat")
    assert plain.status_code == 426 and plain.json()["error"]["code"] == "websocket_required"


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    config = tmp_path_factory.mktemp("ws") / "limited.yaml"
    # The same fixtures from another folder: the script path they name becomes absolute.
    fixtures = (FIXTURES / "websocket.yaml").read_text().replace("../../../examples", str(FIXTURES.parents[2] / "examples"))
    config.write_text("settings: {max_body_bytes: 2048, websocket_idle_timeout_ms: 300, websocket_max_queued: 2}\n" + fixtures)
    server = Server(["--config", str(config)])
    yield server
    server.stop()


def test_a_connection_holds_at_most_websocket_max_queued_requests(limited):
    with connect(ws_url(limited, "/v1/chat")) as ws:
        for request_id in ("a", "b", "c"):
            ws.send(chat_request(request_id, "slowly please"))
        error = json.loads(ws.recv(timeout=10))
        assert (error["type"], error["id"], error["status"]) == ("error", "c", 429)
        assert error["error"]["code"] == "websocket_queue_full"
        done = set()
        while len(done) < 2:
            message = json.loads(ws.recv(timeout=10))
            if message["type"] == "chat.done":
                done.add(message["id"])
        assert done == {"a", "b"}
        ws.send(chat_request("d", "hello"))
        assert chat_messages(ws, "d")[-1]["type"] == "chat.done"


def test_an_idle_connection_is_closed(limited):
    with connect(ws_url(limited, "/v1/responses")) as ws:
        ws.send(json.dumps({"type": "response.create", "model": "gpt-4o", "input": "slowly please"}))
        assert receive_until_terminal(ws)[-1]["type"] == "response.completed", "a running request is not idleness"
        started = time.monotonic()
        with pytest.raises(ConnectionClosed) as caught:
            ws.recv(timeout=10)
    assert time.monotonic() - started < 5
    assert caught.value.rcvd.code == 1000 and caught.value.rcvd.reason == "idle for 300 ms"


def test_a_message_over_max_body_bytes_closes_the_connection(limited):
    with connect(ws_url(limited, "/v1/responses")) as ws:
        ws.send(json.dumps({"type": "response.create", "model": "gpt-4o", "input": "x" * 4096}))
        with pytest.raises(ConnectionClosed) as caught:
            ws.recv(timeout=10)
    assert caught.value.rcvd.code == 1009


def test_http_connection_timeouts_do_not_apply_once_upgraded(tmp_path):
    config = tmp_path / "timeouts.yaml"
    fixtures = (FIXTURES / "websocket.yaml").read_text().replace("../../../examples", str(FIXTURES.parents[2] / "examples"))
    config.write_text("settings: {header_timeout_seconds: 0.3, keep_alive_timeout_seconds: 0.3, shutdown_grace_seconds: 1}\n" + fixtures)
    server = Server(["--config", str(config)])
    try:
        with connect(ws_url(server, "/v1/chat")) as ws:
            time.sleep(1.2)
            ws.send(chat_request("late", "hello"))
            assert chat_messages(ws, "late")[-1]["type"] == "chat.done"
            # The shutdown grace still holds an open WebSocket: the host exits when it ends.
            started = time.monotonic()
            server.process.terminate()
            assert server.process.wait(timeout=10) == 0
            assert time.monotonic() - started < 5
    finally:
        server.stop()
