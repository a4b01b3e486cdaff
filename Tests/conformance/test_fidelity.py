"""What real clients and frameworks trip on: a forced tool choice answered with a call to the tool
(the structured-output path of most agent frameworks), and reasoning in every provider's shape.
Each through the real binary with the official client that hits it."""

import json

import jsonschema
import openai
import pytest

from conftest import Server

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather for a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["C", "F"]}},
            "required": ["city", "unit"],
            "additionalProperties": False,
        },
    },
}
ANSWER = {
    "type": "function",
    "function": {
        "name": "final_answer",
        "parameters": {
            "type": "object",
            "properties": {"answer": {"type": "string"}, "confidence": {"type": "number", "minimum": 0, "maximum": 1}},
            "required": ["answer", "confidence"],
        },
    },
}

FIXTURES = """
fixtures:
  - match: {user: timed only}
    timing: {first_token_ms: 1}
    reply: {usage: {prompt_tokens: 5, completion_tokens: 7}}
  - match: {user: chatty}
    reply: {content: "I'd rather talk."}
  - match: {user: think}
    reply:
      reasoning: "The user greets me. A short greeting back is enough."
      content: "Hello!"
  - match: {user: secret thoughts}
    reply:
      reasoning: "Some of this is visible."
      redacted_reasoning: ["EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP"]
      content: "Done."
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    config = tmp_path_factory.mktemp("fidelity") / "fidelity.yaml"
    config.write_text(FIXTURES)
    server = Server(["--config", str(config)])
    yield server
    server.stop()


@pytest.fixture(scope="module")
def client(server):
    return openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)


def journal(server):
    import httpx

    return httpx.get(server.url + "/journal").json()["data"]


@pytest.mark.parametrize("choice", ["required", {"type": "function", "function": {"name": "final_answer"}}])
def test_a_forced_tool_is_called_with_arguments_of_its_schema(client, choice):
    reply = client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "what now?"}], tools=[WEATHER, ANSWER], tool_choice=choice
    )
    message = reply.choices[0].message
    assert reply.choices[0].finish_reason == "tool_calls"
    assert message.content is None
    (call,) = message.tool_calls
    tool = WEATHER if choice == "required" else ANSWER
    assert call.function.name == tool["function"]["name"]
    jsonschema.validate(json.loads(call.function.arguments), tool["function"]["parameters"])
    # The same request gets the same arguments.
    again = client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "what now?"}], tools=[WEATHER, ANSWER], tool_choice=choice
    )
    assert again.choices[0].message.tool_calls[0].function.arguments == call.function.arguments


def test_a_fixture_that_only_sets_timing_or_usage_still_gets_the_forced_call(client):
    reply = client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "timed only"}], tools=[WEATHER], tool_choice="required"
    )
    assert reply.choices[0].message.tool_calls[0].function.name == "get_weather"
    assert reply.usage.completion_tokens == 7


def test_a_streamed_forced_call_arrives_in_argument_fragments(client):
    stream = client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "stream it"}], tools=[WEATHER], tool_choice="required", stream=True
    )
    fragments = []
    for chunk in stream:
        for choice in chunk.choices:
            for call in choice.delta.tool_calls or []:
                fragments.append(call.function.arguments or "")
    jsonschema.validate(json.loads("".join(fragments)), WEATHER["function"]["parameters"])


def test_text_that_goes_against_the_forced_choice_is_sent_with_a_warning(client, server):
    reply = client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "chatty"}], tools=[WEATHER], tool_choice="required"
    )
    assert reply.choices[0].message.content == "I'd rather talk."
    assert any("forces a tool call" in warning for warning in journal(server)[-1]["warnings"])


def test_the_pydantic_tool_path_of_frameworks_parses(client):
    import pydantic

    class Answer(pydantic.BaseModel):
        answer: str
        confidence: float

    reply = client.chat.completions.parse(
        model="gpt-4o",
        messages=[{"role": "user", "content": "answer with the tool"}],
        tools=[openai.pydantic_function_tool(Answer)],
        tool_choice={"type": "function", "function": {"name": "Answer"}},
    )
    parsed = reply.choices[0].message.tool_calls[0].function.parsed_arguments
    assert isinstance(parsed, Answer)


def test_responses_force_a_function_call_too(client):
    response = client.responses.create(
        model="gpt-4o",
        input="what is the weather?",
        tools=[{"type": "function", "name": "get_weather", "parameters": WEATHER["function"]["parameters"]}],
        tool_choice="required",
    )
    calls = [item for item in response.output if item.type == "function_call"]
    assert [call.name for call in calls] == ["get_weather"]
    jsonschema.validate(json.loads(calls[0].arguments), WEATHER["function"]["parameters"])


def test_allowed_tools_in_required_mode_call_the_first_allowed_tool(client):
    allowed = {"type": "allowed_tools", "allowed_tools": {"mode": "required", "tools": [{"type": "function", "function": {"name": "final_answer"}}]}}
    reply = client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "what now?"}], tools=[WEATHER, ANSWER], tool_choice=allowed
    )
    (call,) = reply.choices[0].message.tool_calls
    assert call.function.name == "final_answer"
    jsonschema.validate(json.loads(call.function.arguments), ANSWER["function"]["parameters"])
    allowed["allowed_tools"]["mode"] = "auto"
    reply = client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "chatty"}], tools=[WEATHER, ANSWER], tool_choice=allowed
    )
    assert reply.choices[0].message.content == "I'd rather talk."
    tools = [{"type": "function", "name": tool["function"]["name"], "parameters": tool["function"]["parameters"]} for tool in (WEATHER, ANSWER)]
    response = client.responses.create(
        model="gpt-4o",
        input="what now?",
        tools=tools,
        tool_choice={"type": "allowed_tools", "mode": "required", "tools": [{"type": "function", "name": "final_answer"}]},
    )
    assert [item.name for item in response.output if item.type == "function_call"] == ["final_answer"]
    allowed["allowed_tools"]["mode"] = "always"
    with pytest.raises(openai.BadRequestError) as refused:
        client.chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": "what now?"}], tools=[WEATHER, ANSWER], tool_choice=allowed
        )
    assert refused.value.body["param"] == "tool_choice.allowed_tools.mode"


# Reasoning.


def test_chat_counts_reasoning_tokens(client):
    reply = client.chat.completions.create(model="o4-mini", messages=[{"role": "user", "content": "think"}])
    assert reply.choices[0].message.content == "Hello!"
    details = reply.usage.completion_tokens_details
    assert details.reasoning_tokens > 0
    assert reply.usage.completion_tokens > details.reasoning_tokens


def test_responses_show_a_reasoning_item_with_its_summary_when_asked(client):
    plain = client.responses.create(model="o4-mini", input="think")
    assert [item.type for item in plain.output] == ["reasoning", "message"]
    assert plain.output[0].summary == []
    assert plain.usage.output_tokens_details.reasoning_tokens > 0
    summarized = client.responses.create(model="o4-mini", input="think", reasoning={"effort": "low", "summary": "auto"})
    assert summarized.output[0].summary[0].text == "The user greets me. A short greeting back is enough."
    assert summarized.output_text == "Hello!"


def test_responses_stream_the_reasoning_summary(client):
    events = list(client.responses.create(model="o4-mini", input="think", reasoning={"summary": "auto"}, stream=True))
    types = [event.type for event in events]
    assert types.index("response.reasoning_summary_part.added") < types.index("response.reasoning_summary_text.delta")
    assert types.index("response.reasoning_summary_part.done") < types.index("response.output_text.delta")
    summary = "".join(event.delta for event in events if event.type == "response.reasoning_summary_text.delta")
    assert summary == "The user greets me. A short greeting back is enough."
    final = events[-1].response
    assert [item.type for item in final.output] == ["reasoning", "message"]
    # A reasoning item sent back in the next turn is accepted.
    follow = client.responses.create(
        model="o4-mini", input=[*[item.model_dump(exclude_none=True) for item in final.output], {"role": "user", "content": "think"}]
    )
    assert follow.output_text == "Hello!"


# Azure OpenAI.


@pytest.fixture(scope="module")
def azure(server):
    return openai.AzureOpenAI(
        azure_endpoint=server.url, api_key="azure-key", api_version="2024-10-21", max_retries=0
    )


def test_azure_deployments_answer_like_openai(azure, server):
    reply = azure.chat.completions.create(model="my-gpt4o-deployment", messages=[{"role": "user", "content": "think"}])
    assert reply.choices[0].message.content == "Hello!"
    assert reply.model == "my-gpt4o-deployment"
    entry = journal(server)[-1]
    assert entry["path"] == "/openai/deployments/my-gpt4o-deployment/chat/completions"
    assert entry["model"] == "my-gpt4o-deployment"
    stream = azure.chat.completions.create(
        model="my-gpt4o-deployment", messages=[{"role": "user", "content": "think"}], stream=True
    )
    assert "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices) == "Hello!"
    vectors = azure.embeddings.create(model="my-embedding", input=["a", "b"])
    assert len(vectors.data) == 2 and len(vectors.data[0].embedding) > 0
    legacy = azure.completions.create(model="my-instruct", prompt="say hi")
    assert legacy.choices[0].text
    response = azure.responses.create(model="my-gpt4o-deployment", input="think")
    assert response.output_text == "Hello!"
    assert azure.responses.retrieve(response.id).id == response.id
    assert "gpt-4o" in [model.id for model in azure.models.list()]


def test_azure_v1_paths_and_models(server):
    client = openai.OpenAI(base_url=server.url + "/openai/v1", api_key="azure-key", max_retries=0)
    reply = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "think"}])
    assert reply.choices[0].message.content == "Hello!"
    assert "gpt-4o" in [model.id for model in client.models.list()]
    response = client.responses.create(model="gpt-4o", input="think")
    assert response.output_text == "Hello!"
    assert client.responses.retrieve(response.id).output_text == "Hello!"


@pytest.fixture(scope="module")
def claude(server):
    import anthropic

    return anthropic.Anthropic(base_url=server.url, api_key="sk-ant-test", max_retries=0)


def ask_claude(claude, text, **extra):
    return claude.messages.create(model="claude-sonnet-4-5", max_tokens=4096, messages=[{"role": "user", "content": text}], **extra)


def test_claude_shows_thinking_only_when_the_request_enables_it(claude):
    plain = ask_claude(claude, "think")
    assert [block.type for block in plain.content] == ["text"]
    thought = ask_claude(claude, "think", thinking={"type": "enabled", "budget_tokens": 2048})
    assert [block.type for block in thought.content] == ["thinking", "text"]
    assert thought.content[0].thinking == "The user greets me. A short greeting back is enough."
    assert thought.content[0].signature
    assert thought.content[1].text == "Hello!"
    omitted = ask_claude(claude, "think", thinking={"type": "adaptive", "display": "omitted"})
    assert omitted.content[0].type == "thinking" and omitted.content[0].thinking == ""
    assert omitted.content[0].signature == thought.content[0].signature
    redacted = ask_claude(claude, "secret thoughts", thinking={"type": "enabled", "budget_tokens": 1024})
    assert [block.type for block in redacted.content] == ["thinking", "redacted_thinking", "text"]
    assert redacted.content[1].data.startswith("EmwKAhgB")


def test_claude_streams_thinking_with_its_signature(claude):
    with claude.messages.stream(
        model="claude-sonnet-4-5", max_tokens=4096, messages=[{"role": "user", "content": "think"}],
        thinking={"type": "enabled", "budget_tokens": 2048},
    ) as stream:
        events = list(stream)
        final = stream.get_final_message()
    kinds = [event.type for event in events]
    assert "thinking" in kinds and "signature" in kinds and "text" in kinds
    assert final.content[0].type == "thinking"
    assert final.content[0].thinking == "The user greets me. A short greeting back is enough."
    whole = ask_claude(claude, "think", thinking={"type": "enabled", "budget_tokens": 2048})
    assert final.content[0].signature == whole.content[0].signature
    assert final.content[1].text == "Hello!"


def test_claude_takes_thinking_blocks_back_in_the_conversation(claude):
    first = ask_claude(claude, "think", thinking={"type": "enabled", "budget_tokens": 2048})
    follow_up = claude.messages.create(
        model="claude-sonnet-4-5", max_tokens=4096, thinking={"type": "enabled", "budget_tokens": 2048},
        messages=[
            {"role": "user", "content": "think"},
            {"role": "assistant", "content": [block.model_dump() for block in first.content]},
            {"role": "user", "content": "chatty"},
        ],
    )
    assert follow_up.content[-1].text == "I'd rather talk."


def test_claude_refuses_a_bad_thinking_budget(claude):
    import anthropic

    with pytest.raises(anthropic.BadRequestError) as caught:
        ask_claude(claude, "think", thinking={"type": "enabled", "budget_tokens": 100})
    assert "thinking.budget_tokens" in caught.value.message
    with pytest.raises(anthropic.BadRequestError) as caught:
        claude.messages.create(
            model="claude-x", max_tokens=2000, messages=[{"role": "user", "content": "think"}],
            thinking={"type": "enabled", "budget_tokens": 4000},
        )
    assert "max_tokens" in caught.value.message


def test_claude_refuses_thinking_with_a_forced_tool(claude):
    import anthropic

    tools = [{"name": "get_weather", "input_schema": WEATHER["function"]["parameters"]}]
    with pytest.raises(anthropic.BadRequestError) as caught:
        ask_claude(claude, "think", thinking={"type": "enabled", "budget_tokens": 2048}, tools=tools, tool_choice={"type": "any"})
    assert caught.value.body["error"]["message"] == "Thinking may not be enabled when tool_choice forces tool use."
    chosen = ask_claude(claude, "think", thinking={"type": "enabled", "budget_tokens": 2048}, tools=tools, tool_choice={"type": "auto"})
    assert [block.type for block in chosen.content] == ["thinking", "text"]


def test_claude_structured_output_parses(claude):
    import pydantic

    class Order(pydantic.BaseModel):
        product: str
        quantity: int

    parsed = claude.messages.parse(
        model="claude-sonnet-4-5", max_tokens=1024, messages=[{"role": "user", "content": "two green teas"}], output_format=Order
    )
    assert isinstance(parsed.parsed_output, Order)
    schema = {"type": "object", "properties": {"n": {"type": "integer", "minimum": 3}}, "required": ["n"], "additionalProperties": False}
    raw = claude.messages.create(
        model="claude-sonnet-4-5", max_tokens=1024, messages=[{"role": "user", "content": "a number"}],
        output_config={"format": {"type": "json_schema", "schema": schema}},
    )
    jsonschema.validate(json.loads(raw.content[0].text), schema)


def test_claude_forced_tool_gets_a_call_with_arguments_of_its_schema(claude):
    tool = {"name": "final_answer", "input_schema": ANSWER["function"]["parameters"]}
    for choice in [{"type": "any"}, {"type": "tool", "name": "final_answer"}]:
        message = ask_claude(claude, "anything at all", tools=[tool], tool_choice=choice)
        assert message.stop_reason == "tool_use"
        call = next(block for block in message.content if block.type == "tool_use")
        assert call.name == "final_answer"
        jsonschema.validate(call.input, ANSWER["function"]["parameters"])
