"""Bad input gets the OpenAI error shape, names the parameter, and never stops the server."""

import httpx
import openai
import pytest

from conftest import Server


def post(server, body, path="/v1/chat/completions", **kwargs):
    return httpx.post(server.url + path, content=body, headers={"content-type": "application/json"}, **kwargs)


def assert_openai_error(response, status, param=None, contains=None):
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["x-request-id"].startswith("req_")
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert error["param"] == param
    if contains:
        assert contains in error["message"]
    return error


@pytest.mark.parametrize(
    "body, param, fragment",
    [
        ('{"model": "gpt-4o", "messages": [', None, "could not parse the JSON body"),
        ('[1, 2]', None, "must be a JSON object"),
        ('{"messages": [{"role": "user", "content": "hi"}]}', "model", "Missing required parameter: 'model'"),
        ('{"model": "gpt-4o"}', "messages", "Missing required parameter: 'messages'"),
        ('{"model": "gpt-4o", "messages": []}', "messages", "empty array"),
        ('{"model": 4, "messages": [{"role": "user", "content": "hi"}]}', "model", "expected a string"),
        ('{"model": "m", "messages": "hi"}', "messages", "expected an array"),
        ('{"model": "m", "messages": [{"role": "wizard", "content": "hi"}]}', "messages[0].role", "Invalid value: 'wizard'"),
        ('{"model": "m", "messages": [{"content": "hi"}]}', "messages[0].role", "Missing required parameter"),
        ('{"model": "m", "messages": [{"role": "user", "content": 5}]}', "messages[0].content", "expected a string or an array"),
        ('{"model": "m", "messages": [{"role": "user", "content": "hi"}], "n": 0}', "n", "out of range"),
        ('{"model": "m", "messages": [{"role": "user", "content": "hi"}], "n": "two"}', "n", "expected an integer"),
        ('{"model": "m", "messages": [{"role": "user", "content": "hi"}], "stream": "yes"}', "stream", "expected a boolean"),
        ('{"model": "m", "messages": [{"role": "user", "content": "hi"}], "temperature": 3}', "temperature", "out of range"),
        ('{"model": "m", "messages": [{"role": "user", "content": "hi"}], "stream_options": {"include_usage": true}}', "stream_options", "only allowed when 'stream' is enabled"),
        ('{"model": "m", "messages": [{"role": "tool", "content": "hi"}]}', "messages[0].tool_call_id", "Missing required parameter"),
        ('{"model": "m", "messages": [{"role": "user", "content": "hi"}], "tools": [{"type": "function", "function": {}}]}', "tools[0].function.name", "Missing required parameter"),
    ],
)
def test_bad_bodies_name_the_problem(chat_server, body, param, fragment):
    assert_openai_error(post(chat_server, body), 400, param=param, contains=fragment)


def test_sdk_surfaces_bad_request(openai_client):
    with pytest.raises(openai.BadRequestError) as caught:
        openai_client.chat.completions.create(model="gpt-4o", messages=[{"role": "wizard", "content": "hi"}])
    assert caught.value.param == "messages[0].role"


def test_unknown_path_and_wrong_method(chat_server):
    error = assert_openai_error(httpx.get(chat_server.url + "/v1/nothing-here"), 404, contains="/v1/nothing-here")
    assert error["code"] == "unknown_url"
    response = httpx.get(chat_server.url + "/v1/chat/completions")
    assert_openai_error(response, 405, contains="POST")
    assert response.headers["allow"] == "POST"


def test_body_over_the_limit_is_413(tmp_path):
    config = tmp_path / "limits.yaml"
    config.write_text("settings:\n  max_body_bytes: 1024\nfixtures: []\n")
    server = Server(["--config", str(config)])
    try:
        big = '{"model": "m", "messages": [{"role": "user", "content": "' + "x" * 4096 + '"}]}'
        assert_openai_error(post(server, big), 413, contains="1024 bytes")
        small = '{"model": "m", "messages": [{"role": "user", "content": "hi"}]}'
        assert post(server, small).status_code == 200
    finally:
        server.stop()


def test_server_survives_a_barrage_of_garbage(chat_server, openai_client):
    garbage = [b"", b"\xff\xfe\x00", b"{" * 5000, b'{"model": null, "messages": null}', b'{"model": "m", "messages": [null]}']
    for body in garbage:
        response = post(chat_server, body)
        assert 400 <= response.status_code < 500
    assert openai_client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "hello"}]
    ).choices[0].message.content.startswith("Hi there")


def test_the_journal_keeps_a_bounded_part_of_an_echoed_value():
    # Error messages echo the value at fault; the journal used to keep each whole, so a few
    # hundred 4 MB requests held gigabytes.
    server = Server([])
    try:
        role = "é" * 1_500_000
        body = '{"model": "m", "messages": [{"role": "' + role + '", "content": "hi"}]}'
        for _ in range(10):
            error = assert_openai_error(post(server, body.encode()), 400, param="messages[0].role")
            assert role in error["message"], "the reply itself echoes the value whole"
        entries = httpx.get(server.url + "/journal").json()["data"]
        assert len(entries) == 10
        for entry in entries:
            assert entry["error"].startswith("Invalid value: 'éé")
            assert entry["error"].endswith(" more characters)") and len(entry["error"]) < 1100
    finally:
        server.stop()
