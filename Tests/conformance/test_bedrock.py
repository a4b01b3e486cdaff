"""The AWS Bedrock Runtime provider plugin (libLyrebirdBedrock.so) through the official `boto3`
client, `boto3.client("bedrock-runtime", endpoint_url=server.url, ...)`, and Anthropic's
`AnthropicBedrock` client for InvokeModel with Anthropic bodies."""

import json
import pathlib

import boto3
import httpx
import pytest
from anthropic import AnthropicBedrock
from botocore.config import Config
from botocore.exceptions import ClientError, EventStreamError

from conftest import FIXTURES, Server, lyrebird_binary

BEDROCK_PLUGIN = pathlib.Path(lyrebird_binary()).resolve().parent / "libLyrebirdBedrock.so"
HELLO = "Hi there! How can I help you today?"
MODEL = "anthropic.claude-3-5-sonnet-20240620-v1:0"
ARN = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0"
FORECAST_TOOL = {"toolSpec": {"name": "get_forecast", "description": "The forecast for a city", "inputSchema": {"json": {"type": "object"}}}}


@pytest.fixture(scope="module")
def server():
    running = Server(["--config", str(FIXTURES / "bedrock.yaml"), "--plugin", str(BEDROCK_PLUGIN)])
    yield running
    running.stop()


def client_for(server, **retries):
    # Without a retry setting boto3 retries throttling and 5xx errors itself (with backoff).
    config = Config(retries=retries or {"total_max_attempts": 1})
    return boto3.client(
        "bedrock-runtime",
        endpoint_url=server.url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=config,
    )


@pytest.fixture(scope="module")
def client(server):
    return client_for(server)


def user(text):
    return [{"role": "user", "content": [{"text": text}]}]


def journal(server):
    return httpx.get(server.url + "/journal").json()["data"]


# Converse


def test_converse_answers_from_a_fixture(client):
    response = client.converse(modelId=MODEL, messages=user("hello"))
    assert response["output"]["message"] == {"role": "assistant", "content": [{"text": HELLO}]}
    assert response["stopReason"] == "end_turn"
    # 3 + 4 per message + "hello" (2); the reply is 12 tokens.
    assert response["usage"] == {"inputTokens": 9, "outputTokens": 12, "totalTokens": 21}
    assert response["metrics"]["latencyMs"] >= 0
    metadata = response["ResponseMetadata"]
    assert metadata["RequestId"].startswith("req_")
    assert metadata["RequestId"] == metadata["HTTPHeaders"]["x-request-id"]


def test_system_tools_and_inference_config_reach_the_fixtures(client):
    response = client.converse(
        modelId=MODEL,
        system=[{"text": "Be brief."}],
        messages=[{"role": "user", "content": [{"text": "describe the request"}, {"image": {"format": "png", "source": {"bytes": b"\x89PNG"}}}]}],
        inferenceConfig={"maxTokens": 64, "temperature": 0.2, "topP": 0.9, "stopSequences": ["END"]},
        toolConfig={"tools": [FORECAST_TOOL]},
        additionalModelRequestFields={"top_k": 5},
    )
    assert response["output"]["message"]["content"][0]["text"] == f"Converse | Be brief. | get_forecast | {MODEL}"


@pytest.mark.parametrize(
    "model, reply",
    [
        (ARN, "You asked through the foundation model's ARN."),
        ("us.anthropic.claude-3-5-sonnet-20240620-v1:0", "You asked through a cross-region inference profile."),
    ],
)
def test_a_model_id_with_colons_and_slashes_reaches_the_fixtures_decoded(server, client, model, reply):
    # boto3 percent-encodes the model id into one path segment (':' as %3A, '/' as %2F).
    response = client.converse(modelId=model, messages=user("which model is this?"))
    assert response["output"]["message"]["content"] == [{"text": reply}]
    entry = journal(server)[-1]
    assert entry["model"] == model
    assert entry["path"] == "/model/" + model.replace(":", "%3A").replace("/", "%2F") + "/converse"
    assert (entry["provider"], entry["operation"]) == ("aws.bedrock", "Converse")


def test_a_forced_tool_choice_gets_a_tool_use_and_the_result_gets_the_answer(client):
    tools = {"tools": [FORECAST_TOOL], "toolChoice": {"tool": {"name": "get_forecast"}}}
    question = user("What is the forecast for Oslo?")
    first = client.converse(modelId=MODEL, messages=question, toolConfig=tools)
    assert first["stopReason"] == "tool_use"
    [block] = first["output"]["message"]["content"]
    assert block["toolUse"] == {"toolUseId": "tooluse_forecast", "name": "get_forecast", "input": {"city": "Oslo"}}
    result = {"toolResult": {"toolUseId": "tooluse_forecast", "content": [{"text": "rain"}]}}
    messages = question + [first["output"]["message"], {"role": "user", "content": [result]}]
    second = client.converse(modelId=MODEL, messages=messages, toolConfig={"tools": [FORECAST_TOOL]})
    assert second["output"]["message"]["content"] == [{"text": "Take an umbrella."}]
    assert second["stopReason"] == "end_turn"


def test_a_content_filter_finish_is_content_filtered(client):
    response = client.converse(modelId=MODEL, messages=user("filtered"))
    assert response["stopReason"] == "content_filtered"


# Reasoning

THINKING = {"thinking": {"type": "enabled", "budget_tokens": 1024}}
REASONING = "The user greets me. A short greeting back is enough."
REDACTED = b"EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP"


def test_converse_with_thinking_shows_the_reasoning_first_with_a_signature(client):
    response = client.converse(modelId=MODEL, messages=user("think"), additionalModelRequestFields=THINKING)
    reasoning, text = response["output"]["message"]["content"]
    assert reasoning["reasoningContent"]["reasoningText"]["text"] == REASONING
    assert reasoning["reasoningContent"]["reasoningText"]["signature"]
    assert text == {"text": "Hello!"}
    # Without thinking the reasoning is left out; the usage is the same either way.
    plain = client.converse(modelId=MODEL, messages=user("think"))
    assert plain["output"]["message"]["content"] == [{"text": "Hello!"}]
    assert plain["usage"] == response["usage"]


def test_nova_reasoning_config_shows_the_reasoning_too(client):
    fields = {"reasoningConfig": {"type": "enabled", "maxReasoningEffort": "low"}}
    response = client.converse(modelId="amazon.nova-2-lite-v1:0", messages=user("think"), additionalModelRequestFields=fields)
    assert response["output"]["message"]["content"][0]["reasoningContent"]["reasoningText"]["text"] == REASONING


def test_redacted_reasoning_is_a_block_of_bytes(client):
    response = client.converse(modelId=MODEL, messages=user("secret thoughts"), additionalModelRequestFields=THINKING)
    shown, redacted, text = response["output"]["message"]["content"]
    assert shown["reasoningContent"]["reasoningText"]["text"] == "Some of this is visible."
    assert redacted == {"reasoningContent": {"redactedContent": REDACTED}}
    assert text == {"text": "Done."}


def test_converse_stream_sends_reasoning_deltas_then_the_signature_then_the_text(client):
    received = events(client.converse_stream(modelId=MODEL, messages=user("think"), additionalModelRequestFields=THINKING))
    blocks = [(kind, event[kind]) for event in received for kind in event if kind.startswith("contentBlock")]
    reasoning = [event for kind, event in blocks if kind == "contentBlockDelta" and "reasoningContent" in event["delta"]]
    texts = [part["delta"]["reasoningContent"]["text"] for part in reasoning[:-1]]
    assert "".join(texts) == REASONING
    assert list(reasoning[-1]["delta"]["reasoningContent"]) == ["signature"]
    assert all(part["contentBlockIndex"] == 0 for part in reasoning)
    after = blocks[len(reasoning) :]
    assert after[0] == ("contentBlockStop", {"contentBlockIndex": 0})
    assert "".join(event["delta"]["text"] for kind, event in after if kind == "contentBlockDelta") == "Hello!"
    assert all(event["contentBlockIndex"] == 1 for _, event in after[1:])
    assert after[-1] == ("contentBlockStop", {"contentBlockIndex": 1})
    without = events(client.converse_stream(modelId=MODEL, messages=user("think")))
    assert not any("reasoningContent" in event["contentBlockDelta"]["delta"] for event in without if "contentBlockDelta" in event)


def test_converse_stream_sends_redacted_reasoning_as_bytes(client):
    received = events(client.converse_stream(modelId=MODEL, messages=user("secret thoughts"), additionalModelRequestFields=THINKING))
    deltas = [event["contentBlockDelta"] for event in received if "contentBlockDelta" in event]
    redacted = [delta for delta in deltas if "redactedContent" in delta["delta"].get("reasoningContent", {})]
    # Block 0 is the reasoning shown, block 2 the text.
    assert redacted == [{"delta": {"reasoningContent": {"redactedContent": REDACTED}}, "contentBlockIndex": 1}]
    assert {delta["contentBlockIndex"] for delta in deltas if "text" in delta["delta"]} == {2}


@pytest.mark.parametrize("text", ["think", "secret thoughts"])
def test_reasoning_sent_back_in_the_next_request_is_accepted(server, client, text):
    first = client.converse(modelId=MODEL, messages=user(text), additionalModelRequestFields=THINKING)
    assert "reasoningContent" in first["output"]["message"]["content"][0]
    messages = user(text) + [first["output"]["message"]] + user("hello")
    second = client.converse(modelId=MODEL, messages=messages, additionalModelRequestFields=THINKING)
    assert second["output"]["message"]["content"] == [{"text": HELLO}]
    # The blocks reach the journal as the client sent them.
    sent = json.loads(journal(server)[-1]["request_body"])["messages"][1]["content"]
    assert [next(iter(block)) for block in sent] == [next(iter(block)) for block in first["output"]["message"]["content"]]


def test_a_thinking_budget_under_1024_is_a_validation_exception(client):
    fields = {"thinking": {"type": "enabled", "budget_tokens": 100}}
    with pytest.raises(client.exceptions.ValidationException) as raised:
        client.converse(modelId=MODEL, messages=user("think"), additionalModelRequestFields=fields)
    assert raised.value.response["Error"]["Message"] == (
        "The model returned the following errors: thinking.budget_tokens: Input should be greater than or equal to 1024"
    )


def test_thinking_with_a_forced_tool_is_a_validation_exception(client):
    forced = {"tools": [FORECAST_TOOL], "toolChoice": {"any": {}}}
    with pytest.raises(client.exceptions.ValidationException) as raised:
        client.converse(modelId=MODEL, messages=user("think"), toolConfig=forced, additionalModelRequestFields=THINKING)
    assert raised.value.response["Error"]["Message"] == (
        "The model returned the following errors: Thinking may not be enabled when tool_choice forces tool use."
    )
    chosen = client.converse(
        modelId=MODEL, messages=user("think"), toolConfig={**forced, "toolChoice": {"auto": {}}}, additionalModelRequestFields=THINKING
    )
    assert "reasoningContent" in chosen["output"]["message"]["content"][0]


# Errors


@pytest.mark.parametrize(
    "text, status, code, message",
    [
        ("status 400", 400, "ValidationException", "bad request from a fixture"),
        ("status 429", 429, "ThrottlingException", "slow down"),
        ("not ready", 429, "ModelNotReadyException", "warming up"),
    ],
)
def test_a_fixture_error_is_a_client_error_with_its_code(client, text, status, code, message):
    with pytest.raises(ClientError) as raised:
        client.converse(modelId=MODEL, messages=user(text))
    error = raised.value.response
    assert error["Error"] == {"Code": code, "Message": message}
    assert error["ResponseMetadata"]["HTTPStatusCode"] == status
    # The client's modeled exception class for the code.
    assert type(raised.value) is getattr(client.exceptions, code)


def test_boto3_retries_a_throttled_call_as_it_would_retry_bedrock(server):
    retrying = client_for(server, mode="standard", total_max_attempts=2)
    before = len(journal(server))
    with pytest.raises(retrying.exceptions.ServiceUnavailableException) as raised:
        retrying.converse(modelId=MODEL, messages=user("status 503"))
    assert raised.value.response["ResponseMetadata"]["RetryAttempts"] == 1
    assert raised.value.response["ResponseMetadata"]["HTTPHeaders"]["retry-after"] == "1"
    assert len(journal(server)) == before + 2


def test_a_bad_value_is_a_validation_exception_naming_the_field(client):
    with pytest.raises(client.exceptions.ValidationException) as raised:
        client.converse(modelId=MODEL, messages=user("hello"), inferenceConfig={"temperature": 1.5})
    assert raised.value.response["Error"]["Message"] == (
        "1 validation error detected: Value '1.5' at 'inferenceConfig.temperature' failed to satisfy constraint: "
        "Member must have value less than or equal to 1"
    )
    with pytest.raises(client.exceptions.ValidationException) as raised:
        client.converse(modelId=MODEL, messages=[{"role": "user", "content": [{"text": "   "}]}])
    assert "messages.0.content.0 is blank" in raised.value.response["Error"]["Message"]


# ConverseStream


def events(response):
    return [event for event in response["stream"]]


def test_converse_stream_text_deltas_join_into_the_fixture_text(client):
    response = client.converse_stream(modelId=MODEL, messages=user("hello"))
    assert response["ResponseMetadata"]["HTTPHeaders"]["content-type"] == "application/vnd.amazon.eventstream"
    received = events(response)
    kinds = [next(iter(event)) for event in received]
    assert kinds[0] == "messageStart" and kinds[-3:] == ["contentBlockStop", "messageStop", "metadata"]
    assert received[0]["messageStart"] == {"role": "assistant"}
    deltas = [event["contentBlockDelta"] for event in received if "contentBlockDelta" in event]
    assert len(deltas) > 1
    assert "".join(delta["delta"]["text"] for delta in deltas) == HELLO
    assert received[-2]["messageStop"] == {"stopReason": "end_turn"}
    metadata = received[-1]["metadata"]
    assert metadata["usage"] == {"inputTokens": 9, "outputTokens": 12, "totalTokens": 21}
    assert metadata["metrics"]["latencyMs"] >= 0


def test_converse_stream_tool_use_starts_a_block_and_streams_its_input(client):
    tools = {"tools": [FORECAST_TOOL], "toolChoice": {"any": {}}}
    received = events(client.converse_stream(modelId=MODEL, messages=user("forecast for Oslo?"), toolConfig=tools))
    [start] = [event["contentBlockStart"] for event in received if "contentBlockStart" in event]
    assert start == {"start": {"toolUse": {"toolUseId": "tooluse_forecast", "name": "get_forecast"}}, "contentBlockIndex": 0}
    fragments = [event["contentBlockDelta"]["delta"]["toolUse"]["input"] for event in received if "contentBlockDelta" in event]
    assert json.loads("".join(fragments)) == {"city": "Oslo"}
    assert [event["messageStop"] for event in received if "messageStop" in event] == [{"stopReason": "tool_use"}]


def test_a_stream_that_fails_part_way_raises_the_exception(client):
    response = client.converse_stream(modelId=MODEL, messages=user("tell me a story"))
    text = ""
    with pytest.raises(EventStreamError) as raised:
        for event in response["stream"]:
            text += event.get("contentBlockDelta", {}).get("delta", {}).get("text", "")
    assert text == "Once upon a time"
    assert raised.value.response["Error"] == {"Code": "serviceUnavailableException", "Message": "the storyteller fell asleep"}


def test_an_error_before_a_stream_starts_is_a_client_error(client):
    with pytest.raises(client.exceptions.ThrottlingException):
        client.converse_stream(modelId=MODEL, messages=user("status 429"))


# InvokeModel with Anthropic bodies


def anthropic_body(text, **extra):
    return json.dumps({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 100, "messages": [{"role": "user", "content": text}], **extra})


def test_invoke_model_answers_an_anthropic_body_with_a_message(client):
    response = client.invoke_model(modelId=MODEL, body=anthropic_body("hello", system="Be brief."))
    assert response["contentType"] == "application/json"
    message = json.loads(response["body"].read())
    assert message["id"].startswith("msg_bdrk_")
    assert (message["type"], message["role"], message["model"]) == ("message", "assistant", MODEL)
    assert message["content"] == [{"type": "text", "text": HELLO}]
    assert message["stop_reason"] == "end_turn"
    headers = response["ResponseMetadata"]["HTTPHeaders"]
    assert (headers["x-amzn-bedrock-input-token-count"], headers["x-amzn-bedrock-output-token-count"]) == (
        str(message["usage"]["input_tokens"]),
        "12",
    )


def test_invoke_model_with_response_stream_sends_anthropic_events_in_chunks(client):
    tools = [{"name": "get_forecast", "input_schema": {"type": "object"}}]
    response = client.invoke_model_with_response_stream(modelId=MODEL, body=anthropic_body("forecast for Oslo?", tools=tools))
    assert response["contentType"] == "application/json"
    chunks = [json.loads(event["chunk"]["bytes"]) for event in response["body"]]
    types = [chunk["type"] for chunk in chunks]
    assert types[0] == "message_start" and types[-1] == "message_stop"
    [block] = [chunk["content_block"] for chunk in chunks if chunk["type"] == "content_block_start"]
    assert (block["type"], block["id"], block["name"]) == ("tool_use", "tooluse_forecast", "get_forecast")
    fragments = [chunk["delta"]["partial_json"] for chunk in chunks if chunk["type"] == "content_block_delta"]
    assert json.loads("".join(fragments)) == {"city": "Oslo"}
    metrics = chunks[-1]["amazon-bedrock-invocationMetrics"]
    assert metrics["outputTokenCount"] > 0 and metrics["inputTokenCount"] > 0
    assert metrics["invocationLatency"] >= metrics["firstByteLatency"] >= 0


def test_invoke_model_refuses_a_body_of_another_model_family(client):
    with pytest.raises(client.exceptions.ValidationException) as raised:
        client.invoke_model(modelId="amazon.titan-text-express-v1", body=json.dumps({"inputText": "hello"}))
    assert '"anthropic_version": "bedrock-2023-05-31"' in raised.value.response["Error"]["Message"]


def test_anthropics_bedrock_client_creates_and_streams_messages(server):
    claude = AnthropicBedrock(aws_region="us-east-1", aws_access_key="test", aws_secret_key="test", base_url=server.url, max_retries=0)
    message = claude.messages.create(model=MODEL, max_tokens=100, messages=[{"role": "user", "content": "hello"}])
    assert message.content[0].text == HELLO
    with claude.messages.stream(model=ARN, max_tokens=100, messages=[{"role": "user", "content": "hello"}]) as stream:
        assert "".join(stream.text_stream) == HELLO
    assert stream.get_final_message().stop_reason == "end_turn"
