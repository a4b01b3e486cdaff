"""Chat completions through the official `openai` package against the real binary."""

import json

import openai
import pytest


def ask(client, text, **kwargs):
    return client.chat.completions.create(
        model=kwargs.pop("model", "gpt-4o"),
        messages=[{"role": "user", "content": text}],
        **kwargs,
    )


def test_plain_reply(openai_client):
    completion = ask(openai_client, "hello there")
    assert completion.object == "chat.completion"
    assert completion.id.startswith("chatcmpl-")
    assert completion.model == "gpt-4o"
    choice = completion.choices[0]
    assert choice.message.role == "assistant"
    assert choice.message.content == "Hi there! How can I help you today?"
    assert choice.finish_reason == "stop"
    assert completion.usage.prompt_tokens > 0
    assert completion.usage.completion_tokens > 0
    assert completion.usage.total_tokens == completion.usage.prompt_tokens + completion.usage.completion_tokens
    assert completion.usage.prompt_tokens_details.cached_tokens == 0
    assert completion.usage.completion_tokens_details.reasoning_tokens == 0
    assert completion.system_fingerprint


def test_request_id_header(openai_client):
    raw = openai_client.chat.completions.with_raw_response.create(
        model="gpt-4o", messages=[{"role": "user", "content": "hello"}]
    )
    assert raw.headers["x-request-id"].startswith("req_")
    assert raw.parse().choices[0].message.content.startswith("Hi there")


def test_usage_is_stable(openai_client):
    first = ask(openai_client, "hello there")
    second = ask(openai_client, "hello there")
    assert first.usage == second.usage


def test_streaming_reassembled_by_stream_helper(openai_client):
    with openai_client.chat.completions.stream(
        model="gpt-4o", messages=[{"role": "user", "content": "tell me a story"}]
    ) as stream:
        deltas = [event.delta for event in stream if event.type == "content.delta"]
        final = stream.get_final_completion()
    expected = "Once upon a time, a lyrebird learned every song in the forest and sang them back, note for note."
    assert len(deltas) > 3, "a long reply arrives in several chunks"
    assert "".join(deltas) == expected
    assert final.choices[0].message.content == expected
    assert final.choices[0].message.role == "assistant"
    assert final.choices[0].finish_reason == "stop"


def test_raw_stream_chunks_share_id_and_end(openai_client):
    chunks = list(ask(openai_client, "hello", stream=True))
    assert len({chunk.id for chunk in chunks}) == 1
    assert all(chunk.object == "chat.completion.chunk" for chunk in chunks)
    assert chunks[0].choices[0].delta.role == "assistant"
    assert all(chunk.choices[0].delta.role is None for chunk in chunks[1:])
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert "".join(chunk.choices[0].delta.content or "" for chunk in chunks) == "Hi there! How can I help you today?"


def test_several_tool_calls_streamed(openai_client):
    tools = [
        {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}},
        {"type": "function", "function": {"name": "get_time", "parameters": {"type": "object"}}},
    ]
    with openai_client.chat.completions.stream(
        model="gpt-4o", messages=[{"role": "user", "content": "what is the weather in Paris?"}], tools=tools
    ) as stream:
        fragments = [event for event in stream if event.type == "tool_calls.function.arguments.delta"]
        final = stream.get_final_completion()
    message = final.choices[0].message
    assert final.choices[0].finish_reason == "tool_calls"
    assert [call.function.name for call in message.tool_calls] == ["get_weather", "get_time"]
    assert json.loads(message.tool_calls[0].function.arguments) == {"city": "Paris", "unit": "celsius"}
    assert json.loads(message.tool_calls[1].function.arguments) == {"timezone": "Europe/Paris"}
    assert all(call.id.startswith("call_") for call in message.tool_calls)
    assert message.tool_calls[0].id != message.tool_calls[1].id
    assert len(fragments) > 2, "arguments arrive in several fragments"


def test_tool_calls_not_streamed(openai_client):
    completion = ask(openai_client, "weather in Rome")
    message = completion.choices[0].message
    assert message.content is None
    assert completion.choices[0].finish_reason == "tool_calls"
    assert json.loads(message.tool_calls[0].function.arguments)["city"] == "Paris"


def test_n_choices(openai_client):
    completion = ask(openai_client, "hello", n=3)
    assert [choice.index for choice in completion.choices] == [0, 1, 2]
    assert all(choice.message.content.startswith("Hi there") for choice in completion.choices)


def test_n_choices_streamed(openai_client):
    with openai_client.chat.completions.stream(
        model="gpt-4o", messages=[{"role": "user", "content": "tell me a story"}], n=3
    ) as stream:
        final = stream.get_final_completion()
    assert [choice.index for choice in final.choices] == [0, 1, 2]
    texts = {choice.message.content for choice in final.choices}
    assert len(texts) == 1 and texts.pop().startswith("Once upon a time")
    assert all(choice.message.role == "assistant" for choice in final.choices)


def test_include_usage(openai_client):
    chunks = list(ask(openai_client, "hello", stream=True, stream_options={"include_usage": True}))
    last = chunks[-1]
    assert last.choices == []
    assert last.usage.total_tokens == last.usage.prompt_tokens + last.usage.completion_tokens
    plain = ask(openai_client, "hello")
    assert last.usage.prompt_tokens == plain.usage.prompt_tokens
    assert last.usage.completion_tokens == plain.usage.completion_tokens
    assert all(chunk.usage is None for chunk in chunks[:-1])


def test_no_usage_chunk_without_include_usage(openai_client):
    chunks = list(ask(openai_client, "hello", stream=True))
    assert all(chunk.choices for chunk in chunks)


def test_error_fixture_raises_rate_limit_error(openai_client):
    with pytest.raises(openai.RateLimitError) as caught:
        ask(openai_client, "boom")
    error = caught.value
    assert error.status_code == 429
    assert error.code == "rate_limit_exceeded"
    assert error.type == "requests"
    assert "Rate limit reached" in error.message
    assert error.request_id.startswith("req_")


def test_error_fixture_in_stream_is_a_status_error(openai_client):
    with pytest.raises(openai.RateLimitError):
        list(ask(openai_client, "boom", stream=True))


def test_error_fixture_bad_request_and_server_error(openai_client):
    with pytest.raises(openai.BadRequestError) as caught:
        ask(openai_client, "invalid please")
    assert caught.value.param == "messages"
    assert caught.value.code == "invalid_prompt"
    with pytest.raises(openai.InternalServerError) as caught:
        ask(openai_client, "crash now")
    assert caught.value.status_code == 503


def test_mock_response_wins_over_fixtures(openai_client):
    completion = ask(openai_client, "hello", extra_body={"mock_response": "from the request"})
    assert completion.choices[0].message.content == "from the request"
    streamed = list(ask(openai_client, "hello", stream=True, extra_body={"mock_response": "streamed mock"}))
    assert "".join(chunk.choices[0].delta.content or "" for chunk in streamed) == "streamed mock"


def test_default_reply_when_nothing_matches(openai_client):
    completion = ask(openai_client, "zzz nothing matches this")
    assert completion.choices[0].message.content == "This is a mock response from Lyrebird."


def test_fuzzy_model_glob_and_not(openai_client):
    assert ask(openai_client, "good morning lyrebirb").choices[0].message.content == "Good morning to you too."
    assert ask(openai_client, "which model?", model="gpt-4o-mini-2024").choices[0].message.content.endswith("mini model.")
    assert ask(openai_client, "which model?", model="gpt-4o").choices[0].message.content.startswith("This is a mock")
    polite = openai_client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "please help"}]
    )
    assert polite.choices[0].message.content == "Certainly."
    pirate = openai_client.chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "system", "content": "You are a Pirate."}, {"role": "user", "content": "please help"}],
    )
    assert pirate.choices[0].message.content == "Arr, matey!"


def test_content_parts_and_tool_messages_are_accepted(openai_client):
    completion = openai_client.chat.completions.create(
        model="gpt-4o",
        messages=[
            {"role": "developer", "content": [{"type": "text", "text": "be brief"}]},
            {"role": "user", "content": [{"type": "text", "text": "hello"}, {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}]},
            {"role": "assistant", "content": None, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
            {"role": "tool", "tool_call_id": "call_1", "content": "42"},
            {"role": "user", "content": "hello again"},
        ],
    )
    assert completion.choices[0].message.content.startswith("Hi there")


def test_parse_helper_with_json_content(openai_client):
    completion = openai_client.chat.completions.parse(
        model="gpt-4o",
        messages=[{"role": "user", "content": "as json"}],
        response_format={"type": "json_object"},
    )
    assert json.loads(completion.choices[0].message.content) == {"answer": 42}
