"""Embeddings, legacy completions, models and logprobs through the official `openai` package."""

import base64
import json
import math
import struct

import httpx
import openai
import pytest

from conftest import FIXTURES, Server

PINNED = [[1.0, -2.0, 0.5], [0.25, 0.5, 0.75]]
STORY = "Once upon a time there was a lyrebird. The end."


@pytest.fixture(scope="module")
def server():
    running = Server(["--config", str(FIXTURES / "openai_endpoints.yaml")])
    yield running
    running.stop()


@pytest.fixture(scope="module")
def client(server):
    return openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)


def cosine(left, right):
    dot = sum(a * b for a, b in zip(left, right))
    return dot / (math.sqrt(sum(a * a for a in left)) * math.sqrt(sum(b * b for b in right)))


# Embeddings


def test_embeddings_with_sdk_defaults_arrive_as_base64_and_decode_to_floats(client, server):
    result = client.embeddings.create(model="text-embedding-3-small", input=["first text", "second text"])
    assert result.object == "list"
    assert result.model == "text-embedding-3-small"
    assert [item.index for item in result.data] == [0, 1]
    assert all(item.object == "embedding" for item in result.data)
    assert all(len(item.embedding) == 1536 and isinstance(item.embedding[0], float) for item in result.data)
    assert result.usage.prompt_tokens > 0 and result.usage.total_tokens == result.usage.prompt_tokens
    # What went over the wire was base64 of little-endian float32.
    raw = httpx.post(
        server.base_url + "/embeddings",
        json={"model": "text-embedding-3-small", "input": ["first text", "second text"], "encoding_format": "base64"},
    ).json()
    encoded = raw["data"][0]["embedding"]
    assert isinstance(encoded, str)
    assert list(struct.unpack("<1536f", base64.b64decode(encoded))) == result.data[0].embedding


def test_embeddings_as_floats_match_the_base64_numbers(client):
    floats = client.embeddings.create(model="text-embedding-3-small", input="same input", encoding_format="float")
    default = client.embeddings.create(model="text-embedding-3-small", input="same input")
    assert all(isinstance(value, float) for value in floats.data[0].embedding)
    assert [struct.unpack("<f", struct.pack("<f", value))[0] for value in floats.data[0].embedding] == default.data[0].embedding
    assert math.isclose(sum(value * value for value in floats.data[0].embedding), 1.0, rel_tol=1e-4)


def test_explicit_base64_is_left_to_the_caller(client):
    result = client.embeddings.create(model="text-embedding-3-small", input="x", encoding_format="base64", dimensions=4)
    assert isinstance(result.data[0].embedding, str)
    assert len(base64.b64decode(result.data[0].embedding)) == 16


@pytest.mark.parametrize(("model", "dimensions"), [("text-embedding-3-large", 256), ("text-embedding-3-small", 8)])
def test_dimensions(client, model, dimensions):
    result = client.embeddings.create(model=model, input="shorter vectors", dimensions=dimensions)
    assert len(result.data[0].embedding) == dimensions
    assert math.isclose(sum(value * value for value in result.data[0].embedding), 1.0, rel_tol=1e-4)


def test_large_model_default_size(client):
    assert len(client.embeddings.create(model="text-embedding-3-large", input="x").data[0].embedding) == 3072


def test_texts_sharing_words_rank_first_in_retrieval(client):
    documents = [
        "the cat sat on the warm mat",
        "stock markets fell sharply on monday",
        "a recipe for sourdough bread",
        "my cat likes to sit on a mat",
        "the weather in paris is rainy",
    ]
    query = "where does the cat sit? on the mat"
    vectors = [item.embedding for item in client.embeddings.create(model="text-embedding-3-small", input=documents).data]
    question = client.embeddings.create(model="text-embedding-3-small", input=query).data[0].embedding
    ranked = sorted(range(len(documents)), key=lambda index: -cosine(question, vectors[index]))
    assert set(ranked[:2]) == {0, 3}
    assert cosine(question, vectors[0]) > 0.3 > cosine(question, vectors[1])


def test_pinned_vectors_come_back_exactly(client):
    result = client.embeddings.create(model="text-embedding-3-small", input=["one", "two", "three pinned"])
    assert [item.embedding for item in result.data] == [PINNED[0], PINNED[1], PINNED[0]]
    floats = client.embeddings.create(model="text-embedding-3-small", input="pinned", encoding_format="float")
    assert floats.data[0].embedding == PINNED[0]


def test_token_arrays_embed(client):
    result = client.embeddings.create(model="text-embedding-3-small", input=[[1212, 318, 257], [9906]])
    assert len(result.data) == 2
    same = client.embeddings.create(model="text-embedding-3-small", input=[1212, 318, 257])
    assert same.data[0].embedding == result.data[0].embedding


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"input": ""}, "input"),
        ({"input": []}, "input"),
        ({"input": ["ok", ""]}, "input[1]"),
        ({"input": ["x"] * 2049}, "input"),
        ({"input": "x", "dimensions": 4000}, "dimensions"),
        ({"input": "x", "model": "text-embedding-ada-002", "dimensions": 8}, "dimensions"),
        ({"input": "x", "encoding_format": "int8"}, "encoding_format"),
    ],
)
def test_bad_embedding_requests_name_the_parameter(client, kwargs, param):
    arguments = {"model": "text-embedding-3-small", **kwargs}
    with pytest.raises(openai.BadRequestError) as caught:
        client.embeddings.create(**arguments)
    assert caught.value.status_code == 400
    assert caught.value.param == param


def test_embedding_inputs_have_the_real_apis_token_limits(client, server):
    # 8,192 tokens an input and 300,000 a request, as the real API has them; they also bound the
    # time vectors take (4 MB of text used to keep a core busy for 38 s).
    at_limit = " ".join(["word"] * 8192)
    assert len(client.embeddings.create(model="text-embedding-3-small", input=at_limit).data) == 1
    with pytest.raises(openai.BadRequestError) as caught:
        client.embeddings.create(model="text-embedding-3-small", input=[at_limit, at_limit + " more"])
    assert caught.value.body["message"].startswith("This model's maximum context length is 8192 tokens, however you requested 8193 tokens")
    with pytest.raises(openai.BadRequestError) as caught:
        client.embeddings.create(model="text-embedding-3-small", input=[" ".join(["word"] * 200)] * 2048)
    assert caught.value.code == "max_tokens_per_request"
    assert caught.value.body["message"] == "Requested 409600 tokens, max 300000 tokens per request"
    assert httpx.get(server.url + "/health").json()["status"] == "healthy"


def test_repeated_words_embed_as_one_direction_weighted(client):
    once = client.embeddings.create(model="text-embedding-3-small", input="cat mat", encoding_format="float").data[0].embedding
    twice = client.embeddings.create(model="text-embedding-3-small", input="mat cat", encoding_format="float").data[0].embedding
    assert once == twice, "the order of words does not matter"
    heavy = client.embeddings.create(model="text-embedding-3-small", input="cat cat cat mat").data[0].embedding
    assert cosine(heavy, once) < 0.999 and cosine(heavy, once) > 0.5


# Legacy completions


def test_completion_whole(client):
    completion = client.completions.create(model="gpt-3.5-turbo-instruct", prompt="Say this is a test")
    assert completion.object == "text_completion"
    assert completion.id.startswith("cmpl-")
    assert completion.model == "gpt-3.5-turbo-instruct"
    assert completion.choices[0].text == "This is indeed a test."
    assert completion.choices[0].finish_reason == "stop"
    assert completion.choices[0].logprobs is None
    assert completion.usage.total_tokens == completion.usage.prompt_tokens + completion.usage.completion_tokens


def test_completion_streamed_with_usage(client):
    chunks = list(
        client.completions.create(
            model="gpt-3.5-turbo-instruct", prompt="tell a story", stream=True, stream_options={"include_usage": True}
        )
    )
    assert all(chunk.object == "text_completion" for chunk in chunks)
    assert len({chunk.id for chunk in chunks}) == 1
    texts = [chunk.choices[0].text for chunk in chunks if chunk.choices]
    assert len(texts) > 3
    assert "".join(texts) == STORY
    assert [chunk.choices[0].finish_reason for chunk in chunks if chunk.choices][-1] == "stop"
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens > 0


def test_completion_n_with_several_prompts_and_echo(client):
    completion = client.completions.create(model="gpt-3.5-turbo-instruct", prompt=["Q1: ", "Q2: "], n=2, echo=True)
    assert [choice.index for choice in completion.choices] == [0, 1, 2, 3]
    assert [choice.text for choice in completion.choices] == [
        "Q1: This is indeed a test.",
        "Q1: This is indeed a test.",
        "Q2: This is indeed a test.",
        "Q2: This is indeed a test.",
    ]


def test_completion_n_streamed(client):
    chunks = list(client.completions.create(model="gpt-3.5-turbo-instruct", prompt="a story", n=2, stream=True))
    for index in (0, 1):
        text = "".join(choice.text for chunk in chunks for choice in chunk.choices if choice.index == index)
        assert text == STORY


def test_completion_stop_and_max_tokens(client):
    stopped = client.completions.create(model="gpt-3.5-turbo-instruct", prompt="story", stop=["lyrebird"])
    assert stopped.choices[0].text == "Once upon a time there was a "
    assert stopped.choices[0].finish_reason == "stop"
    streamed = client.completions.create(model="gpt-3.5-turbo-instruct", prompt="story", stop="there was", stream=True)
    assert "".join(chunk.choices[0].text for chunk in streamed if chunk.choices) == "Once upon a time "
    short = client.completions.create(model="gpt-3.5-turbo-instruct", prompt="story", max_tokens=3)
    assert short.choices[0].text == "Once upon a "
    assert short.choices[0].finish_reason == "length"
    assert short.usage.completion_tokens == 3


def test_completion_logprobs(client):
    completion = client.completions.create(model="gpt-3.5-turbo-instruct", prompt="Say:", logprobs=3)
    logprobs = completion.choices[0].logprobs
    assert "".join(logprobs.tokens) == completion.choices[0].text
    assert len(logprobs.token_logprobs) == len(logprobs.tokens)
    assert all(-2.5 <= value <= -0.01 for value in logprobs.token_logprobs)
    assert all(len(top) == 3 for top in logprobs.top_logprobs)
    assert all(top[token] == value for top, token, value in zip(logprobs.top_logprobs, logprobs.tokens, logprobs.token_logprobs))
    assert logprobs.text_offset[0] == len("Say:")
    again = client.completions.create(model="gpt-3.5-turbo-instruct", prompt="Say:", logprobs=3)
    assert again.choices[0].logprobs == logprobs


def test_completion_logprobs_streamed(client):
    chunks = list(client.completions.create(model="gpt-3.5-turbo-instruct", prompt="x", logprobs=1, stream=True))
    tokens = [token for chunk in chunks for token in (chunk.choices[0].logprobs.tokens if chunk.choices else [])]
    assert "".join(tokens) == "This is indeed a test."


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"prompt": []}, "prompt"),
        ({"prompt": "x", "logprobs": 6}, "logprobs"),
        ({"prompt": "x", "n": 0}, "n"),
        ({"prompt": "x", "stop": ["a", "b", "c", "d", "e"]}, "stop"),
        ({"prompt": "x", "max_tokens": -1}, "max_tokens"),
    ],
)
def test_bad_completion_requests_name_the_parameter(client, kwargs, param):
    with pytest.raises(openai.BadRequestError) as caught:
        client.completions.create(model="gpt-3.5-turbo-instruct", **kwargs)
    assert caught.value.param == param


# Models


def test_models_list(client):
    models = client.models.list()
    ids = [model.id for model in models]
    assert ids[:2] == ["lyrebird-custom-model", "fixture-only-model"]
    for expected in ("gpt-4o", "gpt-4o-mini", "text-embedding-3-small", "text-embedding-ada-002", "gpt-3.5-turbo-instruct"):
        assert expected in ids
    assert len(ids) == len(set(ids))
    assert all(model.object == "model" and model.created > 0 and model.owned_by for model in models)


def test_models_retrieve(client):
    model = client.models.retrieve("fixture-only-model")
    assert model.id == "fixture-only-model"
    assert model.owned_by == "lyrebird"
    assert client.models.retrieve("text-embedding-3-large").owned_by == "openai.embeddings"


def test_models_retrieve_unknown_is_not_found(client):
    with pytest.raises(openai.NotFoundError) as caught:
        client.models.retrieve("no-such-model")
    assert caught.value.status_code == 404
    assert caught.value.code == "model_not_found"
    assert caught.value.param == "model"


# Chat logprobs


def test_chat_logprobs(client):
    completion = client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "hello"}], logprobs=True, top_logprobs=2
    )
    content = completion.choices[0].logprobs.content
    assert "".join(entry.token for entry in content) == completion.choices[0].message.content
    for entry in content:
        assert bytes(entry.bytes).decode() == entry.token
        assert len(entry.top_logprobs) == 2
        assert entry.top_logprobs[0].token == entry.token
        assert entry.top_logprobs[1].logprob < entry.logprob < 0


def test_chat_logprobs_streamed(client):
    with client.chat.completions.stream(
        model="gpt-4o", messages=[{"role": "user", "content": "hello"}], logprobs=True, top_logprobs=2
    ) as stream:
        events = [event for event in stream if event.type == "logprobs.content.delta"]
        final = stream.get_final_completion()
    assert len(events) > 1
    streamed = final.choices[0].logprobs.content
    whole = client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "hello"}], logprobs=True, top_logprobs=2
    ).choices[0].logprobs.content
    assert [entry.token for entry in streamed] == [entry.token for entry in whole]
    assert [entry.logprob for entry in streamed] == [entry.logprob for entry in whole]


def test_chat_top_logprobs_without_logprobs_is_refused(client):
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hello"}], top_logprobs=2)
    assert caught.value.param == "top_logprobs"


def test_a_long_stop_sequence_costs_time_linear_in_the_text(client):
    # Half the reply as a stop sequence it never completes: the search used to compare the held
    # text again at every piece, and 320,000 characters with four such sequences took 36 s.
    text = "a" * 200_000
    stops = ["a" * 100_000 + "c", "a" * 100_000 + "d"]
    streamed = client.with_options(timeout=60).completions.create(
        model="gpt-3.5-turbo-instruct", prompt="x", stop=stops, stream=True, extra_body={"mock_response": text})
    assert "".join(chunk.choices[0].text for chunk in streamed if chunk.choices) == text
    whole = client.with_options(timeout=60).completions.create(
        model="gpt-3.5-turbo-instruct", prompt="x", stop=stops + ["a" * 150_000], n=4, extra_body={"mock_response": text})
    assert [choice.text for choice in whole.choices] == [""] * 4
    assert {choice.finish_reason for choice in whole.choices} == {"stop"}


# Log probabilities past their limit

LONG_REPLY = "," * 8000  # 8,000 tokens
TOO_MANY_LOGPROBS = "more than 500000 log probabilities"


def streamed_error(server, path, body):
    """The last event of a stream that ran past its log probabilities, read raw: the SDKs would
    parse the 30 MB before it slowly."""
    with httpx.stream("POST", server.base_url + path, json={**body, "stream": True}, timeout=60) as response:
        assert response.status_code == 200
        text = response.read().decode()
    assert "[DONE]" not in text
    return json.loads(text.strip().split("\n")[-1].removeprefix("data: "))


def test_chat_logprobs_past_the_limit_are_refused(client, server):
    # 128 choices × 8,000 tokens × 21 used to build 2 GB of response from 8 KB of reply text.
    body = {"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}], "n": 128, "logprobs": True, "top_logprobs": 20,
            "mock_response": LONG_REPLY}
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(**{key: value for key, value in body.items() if key != "mock_response"},
                                       extra_body={"mock_response": LONG_REPLY})
    assert caught.value.code == "logprobs_too_large" and caught.value.param == "top_logprobs"
    entry = httpx.get(server.url + "/journal").json()["data"][-1]
    assert entry["status"] == 400 and TOO_MANY_LOGPROBS in entry["error"]
    assert TOO_MANY_LOGPROBS in streamed_error(server, "/chat/completions", body)["error"]["message"]
    # Within the limit the same reply carries its log probabilities.
    fine = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}], n=2, logprobs=True,
                                          top_logprobs=1, extra_body={"mock_response": LONG_REPLY})
    assert len(fine.choices[1].logprobs.content) == 8000


def test_completion_logprobs_past_the_limit_are_refused(client, server):
    body = {"model": "gpt-3.5-turbo-instruct", "prompt": "x", "n": 64, "logprobs": 5, "mock_response": LONG_REPLY}
    with pytest.raises(openai.BadRequestError) as caught:
        client.completions.create(model="gpt-3.5-turbo-instruct", prompt="x", n=64, logprobs=5,
                                  extra_body={"mock_response": LONG_REPLY})
    assert caught.value.code == "logprobs_too_large"
    assert TOO_MANY_LOGPROBS in streamed_error(server, "/completions", body)["error"]["message"]
    # max_tokens cuts the text first: what is sent is well within the limit.
    short = client.completions.create(model="gpt-3.5-turbo-instruct", prompt="x", n=64, logprobs=5, max_tokens=10,
                                      extra_body={"mock_response": LONG_REPLY})
    assert all(len(choice.logprobs.tokens) == 10 for choice in short.choices)


def test_responses_logprobs_past_the_limit_are_refused(client, server):
    body = {"model": "gpt-4o", "input": "x", "top_logprobs": 20, "include": ["message.output_text.logprobs"],
            "mock_response": "," * 30_000}
    with pytest.raises(openai.BadRequestError) as caught:
        client.responses.create(model="gpt-4o", input="x", top_logprobs=20, include=["message.output_text.logprobs"],
                                extra_body={"mock_response": "," * 30_000})
    assert caught.value.code == "logprobs_too_large"
    event = streamed_error(server, "/responses", body)
    assert TOO_MANY_LOGPROBS in json.dumps(event)
