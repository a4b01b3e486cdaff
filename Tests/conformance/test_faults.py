"""The fault stage through the real binary and the official clients: every fault kind on chat
completions (streamed and whole), the WebSocket transports and the Anthropic, Gemini and Ollama
plugins; rates drawn from one seed, the same twice; faults that apply N times then answer;
per-request headers and LiteLLM's sentinels; per-context profiles that parallel tests do not
see; and timing (header latency, jitter, chunks, a pause before the end) within generous bounds."""

import json
import socket
import threading
import time

import anthropic
import httpx
import ollama
import openai
import pytest
from google import genai
from google.genai import types
from websockets.sync.client import connect

from conftest import Server

TEXT = "one two three four five six seven eight nine ten"
ACCENTED = "héllo wörld, ça va très bien"

CONFIG = f"""
seed: 42
fixtures:
  - match: {{user: cut}}
    reply: {{content: "{TEXT}", fault: {{kind: disconnect, after_events: 3}}}}
  - match: {{user: later}}
    timing: {{first_token_ms: 100, tokens_per_second: 20}}
    reply: {{content: "{TEXT}", fault: {{kind: disconnect, after_ms: 350}}}}
  - match: {{user: truncate}}
    reply: {{content: "{TEXT}", fault: truncate}}
  - match: {{user: bad-json}}
    reply: {{content: "{TEXT}", fault: {{kind: malformed_json, after_events: 1}}}}
  - match: {{user: bad-sse}}
    reply: {{content: "{TEXT}", fault: {{kind: malformed_sse, after_events: 1}}}}
  - match: {{user: split-utf8}}
    reply: {{content: "{ACCENTED}", fault: {{kind: split_events, at: utf8}}}}
  - match: {{user: split-crlf}}
    reply: {{content: "{TEXT}", fault: {{kind: split_events, at: crlf}}}}
  - match: {{user: midstream}}
    reply:
      content: "{TEXT}"
      fault: {{kind: stream_error, after_events: 2, status: 529, type: overloaded_error, message: "Overloaded right now."}}
  - match: {{user: refuse}}
    reply: {{content: "I cannot help with that.", fault: refusal}}
  - match: {{user: unavailable}}
    reply: {{content: "x", fault: {{kind: error, status: 503, message: "Try again later.", retry_after_ms: 200}}}}
  - match: {{user: recovers}}
    reply: {{content: "Recovered.", fault: {{kind: error, status: 503, message: "Warming up.", times: 2}}}}
  - match: {{user: stepwise}}
    replies:
      - {{fault: {{kind: error, status: 429, message: "Slow down."}}}}
      - {{content: "Second step."}}
  - match: {{user: hang}}
    reply: {{content: "x", fault: hang}}
  - match: {{user: drop}}
    reply: {{content: "x", fault: disconnect}}
  - match: {{user: flaky}}
    reply: {{content: "Fine.", fault: {{kind: error, status: 500, message: "Flaky.", rate: 0.5}}}}
  - match: {{user: closing}}
    reply: {{content: "x", fault: {{kind: ws_close, code: 4000, reason: "going away"}}}}
  - match: {{user: slow}}
    timing:
      header_latency_ms: 200
      first_token_ms: 400
      tokens_per_second: 40
      jitter: {{uniform: {{min_ms: 0, max_ms: 10}}}}
      chunk: {{words: 1}}
      end_pause_ms: 300
    reply: {{content: "{TEXT}"}}
  - reply: {{content: "Default."}}
"""


def start(tmp_path, text=CONFIG):
    config = tmp_path / "faults.yaml"
    config.write_text(text)
    return Server(["--config", str(config)])


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = start(tmp_path_factory.mktemp("faults"))
    yield server
    server.stop()


def client(server, context=None, **options):
    headers = {"x-lyrebird-context": context} if context else {}
    headers.update(options.pop("default_headers", {}))
    return openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=options.pop("max_retries", 0), default_headers=headers, **options)


def messages(text):
    return [{"role": "user", "content": text}]


def journal(server, context):
    return httpx.get(server.url + "/_lyrebird/journal", params={"context": context}).json()["data"]


def raw_stream(server, text, path="/v1/chat/completions", body=None):
    """Posts a streamed request on a socket and reads the chunked body: each chunk (one write
    of the server) and whether the body ended properly."""
    host, port = server.url.removeprefix("http://").split(":")
    payload = json.dumps(body or {"model": "m", "stream": True, "messages": messages(text)}).encode()
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
            "Connection: close\r\n\r\n".encode() + payload
        )
        data = b""
        while True:
            more = sock.recv(65536)
            if not more:
                break
            data += more
    head, _, rest = data.partition(b"\r\n\r\n")
    chunks = []
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            return head.decode(), chunks, True
        if len(rest) < size + 2:
            chunks.append(rest[:size])
            break
        chunks.append(rest[:size])
        rest = rest[size + 2 :]
    return head.decode(), chunks, False


# --- Chat completions, streamed and whole ------------------------------------------------------


def test_a_disconnect_after_three_events_breaks_the_stream(server):
    received = []
    with pytest.raises((openai.APIConnectionError, httpx.RemoteProtocolError, httpx.ReadError)):
        for chunk in client(server).chat.completions.create(model="m", messages=messages("cut"), stream=True):
            if chunk.choices and chunk.choices[0].delta.content:
                received.append(chunk.choices[0].delta.content)
    assert 1 <= len(received) <= 3
    head, chunks, ended = raw_stream(server, "cut")
    assert not ended and b"[DONE]" not in b"".join(chunks)


def test_a_disconnect_breaks_a_whole_reply_in_the_middle_of_its_body(server):
    with pytest.raises(openai.APIConnectionError):
        client(server).chat.completions.create(model="m", messages=messages("cut"))


def test_a_disconnect_after_some_time_cuts_a_paced_stream(server):
    started = time.monotonic()
    head, chunks, ended = raw_stream(server, "later")
    elapsed = time.monotonic() - started
    assert not ended
    assert 0.3 <= elapsed < 3
    text = b"".join(chunks)
    assert b'"content":"one ' in text and b"[DONE]" not in text


def test_a_truncated_stream_ends_cleanly_without_its_terminator(server):
    head, chunks, ended = raw_stream(server, "truncate")
    body = b"".join(chunks)
    assert ended and b"[DONE]" not in body and b'"finish_reason":"stop"' not in body
    assert TEXT.split()[0].encode() in body


def test_malformed_json_and_malformed_events_fail_the_clients(server):
    for text in ("bad-json", "bad-sse"):
        with pytest.raises(Exception) as raised:
            for _ in client(server).chat.completions.create(model="m", messages=messages(text), stream=True):
                pass
        assert not isinstance(raised.value, AssertionError)
    with pytest.raises(Exception):
        client(server).chat.completions.create(model="m", messages=messages("bad-json"))
    whole = httpx.post(server.base_url + "/chat/completions", json={"model": "m", "messages": messages("bad-json")})
    assert whole.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(whole.content)


def test_writes_split_inside_a_character_and_between_cr_and_lf_still_read_whole(server):
    head, chunks, ended = raw_stream(server, "split-utf8")
    assert ended
    undecodable = 0
    for chunk in chunks:
        try:
            chunk.decode("utf-8")
        except UnicodeDecodeError:
            undecodable += 1
    assert undecodable >= 1, "some write ends inside a character"
    head, chunks, ended = raw_stream(server, "split-crlf")
    assert any(chunk.endswith(b"\r") for chunk in chunks)
    assert any(chunk.startswith(b"\n") for chunk in chunks)
    for text, expected in (("split-utf8", ACCENTED), ("split-crlf", TEXT)):
        pieces = [
            chunk.choices[0].delta.content or ""
            for chunk in client(server).chat.completions.create(model="m", messages=messages(text), stream=True)
            if chunk.choices
        ]
        assert "".join(pieces) == expected


def test_a_provider_error_in_the_middle_of_a_stream(server):
    received = []
    with pytest.raises(openai.APIError) as raised:
        for chunk in client(server).chat.completions.create(model="m", messages=messages("midstream"), stream=True):
            if chunk.choices and chunk.choices[0].delta.content:
                received.append(chunk.choices[0].delta.content)
    assert "Overloaded right now." in str(raised.value)
    assert len(received) == 2
    with pytest.raises(openai.APIStatusError) as whole:
        client(server).chat.completions.create(model="m", messages=messages("midstream"))
    assert whole.value.status_code == 529


def test_a_refusal_finishes_with_the_content_filter(server):
    reply = client(server).chat.completions.create(model="m", messages=messages("refuse"))
    assert reply.choices[0].finish_reason == "content_filter"
    assert reply.choices[0].message.content == "I cannot help with that."


def test_an_error_fault_has_its_status_body_and_retry_after(server):
    response = httpx.post(server.base_url + "/chat/completions", json={"model": "m", "messages": messages("unavailable")})
    assert response.status_code == 503
    assert response.json()["error"]["message"] == "Try again later."
    assert response.headers["retry-after-ms"] == "200"


def test_fail_twice_then_answer_and_the_sdk_retries_through_it(server):
    retrying = client(server, context="retries", max_retries=3)
    reply = retrying.chat.completions.with_raw_response.create(model="m", messages=messages("recovers"))
    assert reply.parse().choices[0].message.content == "Recovered."
    # The SDK counts its retries in a header: the answer came on the third attempt.
    assert reply.http_request.headers["x-stainless-retry-count"] == "2"
    statuses = [entry["status"] for entry in journal(server, "retries")]
    assert statuses == [503, 503, 200]


def test_a_step_of_a_sequence_has_its_own_fault(server):
    first = httpx.post(server.base_url + "/chat/completions", json={"model": "m", "messages": messages("stepwise")}, headers={"x-test-id": "steps"})
    second = httpx.post(server.base_url + "/chat/completions", json={"model": "m", "messages": messages("stepwise")}, headers={"x-test-id": "steps"})
    assert first.status_code == 429 and first.json()["error"]["message"] == "Slow down."
    assert second.status_code == 200 and second.json()["choices"][0]["message"]["content"] == "Second step."


def test_a_hang_lasts_until_the_client_gives_up(server):
    started = time.monotonic()
    with pytest.raises(openai.APITimeoutError):
        client(server, timeout=1.0).chat.completions.create(model="m", messages=messages("hang"))
    assert 0.9 <= time.monotonic() - started < 5


def test_a_disconnect_before_the_headers_is_a_connection_error(server):
    with pytest.raises(openai.APIConnectionError):
        client(server).chat.completions.create(model="m", messages=messages("drop"))
    entry = journal(server, "k")[-1]
    assert entry["status"] == 0 and "before the headers" in entry["error"]
    assert any("disconnect before the headers" in note for note in entry["faults"])


# --- Seeds, rates, headers, sentinels, contexts ------------------------------------------------


def flaky_pattern(server, context, count=24):
    outcomes = []
    for _ in range(count):
        response = httpx.post(
            server.base_url + "/chat/completions", json={"model": "m", "messages": messages("flaky")}, headers={"x-lyrebird-context": context}
        )
        outcomes.append(response.status_code)
    return outcomes


def test_a_rate_is_drawn_from_the_seed_the_same_way_twice(tmp_path):
    first = start(tmp_path)
    try:
        pattern = flaky_pattern(first, "seeded")
        other = flaky_pattern(first, "another")
        notes = [note for entry in journal(first, "seeded") for note in entry["faults"]]
    finally:
        first.stop()
    assert set(pattern) == {200, 500}, "a rate of 0.5 fails some and answers some"
    assert 4 <= pattern.count(500) <= 20
    assert any("draw" in note and "seed 42" in note for note in notes)
    again = start(tmp_path)
    try:
        assert flaky_pattern(again, "seeded") == pattern
        assert flaky_pattern(again, "another") == other
    finally:
        again.stop()
    reseeded = start(tmp_path, CONFIG.replace("seed: 42", "seed: 7"))
    try:
        assert flaky_pattern(reseeded, "seeded") != pattern
    finally:
        reseeded.stop()


def test_a_request_header_applies_one_fault_and_a_bad_one_is_refused(server):
    response = httpx.post(
        server.base_url + "/chat/completions",
        json={"model": "m", "messages": messages("anything")},
        headers={"x-lyrebird-fault": '{"kind": "error", "status": 429, "message": "Slow down.", "retry_after_ms": 1500}'},
    )
    assert response.status_code == 429 and response.json()["error"]["message"] == "Slow down."
    assert response.headers["retry-after"] == "2"
    with pytest.raises(openai.APIConnectionError):
        client(server, default_headers={"x-lyrebird-fault": "disconnect"}).chat.completions.create(model="m", messages=messages("x"))
    bad = httpx.post(
        server.base_url + "/chat/completions",
        json={"model": "m", "messages": messages("anything")},
        headers={"x-lyrebird-fault": '{"kind": "earthquake"}'},
    )
    assert bad.status_code == 400 and "x-lyrebird-fault" in bad.json()["error"]["message"]
    assert "unknown fault kind" in bad.json()["error"]["message"]
    seed = httpx.post(
        server.base_url + "/chat/completions", json={"model": "m", "messages": messages("x")}, headers={"x-lyrebird-seed": "-3"}
    )
    assert seed.status_code == 400


def test_litellm_sentinels_raise_what_litellm_raises(server):
    with pytest.raises(openai.RateLimitError):
        client(server).chat.completions.create(model="m", messages=messages("x"), extra_body={"mock_response": "litellm.RateLimitError"})
    with pytest.raises(openai.InternalServerError):
        client(server).chat.completions.create(
            model="m", messages=messages("x"), extra_body={"mock_response": "litellm.InternalServerError"}
        )
    with pytest.raises(openai.APITimeoutError):
        client(server, timeout=0.5).chat.completions.create(model="m", messages=messages("x"), extra_body={"mock_timeout": True})
    plain = client(server).chat.completions.create(model="m", messages=messages("x"), extra_body={"mock_response": "Just text."})
    assert plain.choices[0].message.content == "Just text."


def test_a_context_profile_changes_one_context_and_no_other(server):
    profiles = server.url + "/_lyrebird/faults/"
    set_profile = httpx.put(
        profiles + "test-a",
        json={"seed": 1, "faults": [{"kind": "error", "status": 500, "message": "Down for test A."}], "timing": {"first_token_ms": 5}},
    )
    assert set_profile.status_code == 200 and set_profile.json()["profile"]["seed"] == 1
    assert httpx.get(profiles + "test-a").json()["context"] == "test-a"
    results = {}

    def run(context):
        results[context] = [
            httpx.post(server.base_url + "/chat/completions", json={"model": "m", "messages": messages("hello")}, headers={"x-test-id": context}).status_code
            for _ in range(10)
        ]

    threads = [threading.Thread(target=run, args=(context,)) for context in ("test-a", "test-b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {"test-a": [500] * 10, "test-b": [200] * 10}
    assert httpx.delete(profiles + "test-a").status_code == 200
    assert httpx.delete(profiles + "test-a").status_code == 404
    after = httpx.post(server.base_url + "/chat/completions", json={"model": "m", "messages": messages("hello")}, headers={"x-test-id": "test-a"})
    assert after.status_code == 200
    bad = httpx.put(profiles + "test-c", json={"faults": [{"kind": "error", "rate": 3}]})
    assert bad.status_code == 400 and "faults[0].rate" in bad.json()["error"]["message"]


# --- Timing ------------------------------------------------------------------------------------


def test_timing_keeps_its_header_latency_first_token_chunks_and_end_pause(server):
    started = time.monotonic()
    with httpx.stream(
        "POST", server.base_url + "/chat/completions", json={"model": "m", "stream": True, "messages": messages("slow")}, timeout=10
    ) as response:
        headers_at = time.monotonic() - started
        arrivals = []
        for line in response.iter_lines():
            if line.startswith("data: "):
                arrivals.append((time.monotonic() - started, line[6:]))
    assert headers_at >= 0.18
    contents = [(at, json.loads(data)) for at, data in arrivals if data != "[DONE]"]
    pieces = [(at, chunk["choices"][0]["delta"].get("content")) for at, chunk in contents if chunk["choices"]]
    words = [(at, text) for at, text in pieces if text]
    assert [text.strip() for _, text in words] == TEXT.split(), "one word per piece"
    assert words[0][0] >= 0.38
    # Ten words at 40 tokens/s: a quarter of a second or more from the first to the last.
    assert words[-1][0] - words[0][0] >= 0.2
    done_at = arrivals[-1][0]
    assert arrivals[-1][1] == "[DONE]" and done_at - words[-1][0] >= 0.27


# --- WebSocket ---------------------------------------------------------------------------------


def ws_url(server, path):
    return server.url.replace("http://", "ws://", 1) + path


def chat_request(request_id, text):
    return json.dumps({"type": "chat.request", "id": request_id, "request": {"model": "m", "messages": messages(text)}})


def test_websocket_faults_close_drop_and_fragment(server):
    with connect(ws_url(server, "/v1/chat")) as ws:
        ws.send(chat_request("a", "closing"))
        with pytest.raises(Exception):
            while True:
                ws.recv(timeout=5)
        assert ws.close_code == 4000 and ws.close_reason == "going away"
    with connect(ws_url(server, "/v1/chat")) as ws:
        ws.send(chat_request("b", "cut"))
        received = []
        with pytest.raises(Exception):
            while True:
                received.append(json.loads(ws.recv(timeout=5)))
        assert ws.close_code in (None, 1006)
        assert not any(message["type"] == "chat.done" for message in received)
    with connect(ws_url(server, "/v1/chat")) as ws:
        ws.send(chat_request("c", "split-utf8"))
        texts = []
        while True:
            message = json.loads(ws.recv(timeout=5))
            if message["type"] == "chat.done":
                break
            texts.append(message["chunk"]["choices"][0]["delta"].get("content") or "" if message["chunk"]["choices"] else "")
        assert "".join(texts) == ACCENTED
    with connect(ws_url(server, "/v1/responses")) as ws:
        ws.send(json.dumps({"type": "response.create", "model": "m", "input": "midstream"}))
        events = []
        while True:
            event = json.loads(ws.recv(timeout=5))
            events.append(event)
            if event["type"] in ("error", "response.failed", "response.completed"):
                break
        assert events[-1]["type"] in ("error", "response.failed")
        assert "Overloaded right now." in json.dumps(events[-1])


def test_responses_over_sse_take_the_same_faults(server):
    # A Responses stream fails as the real one does: a response.failed event with the error.
    events = list(client(server).responses.create(model="m", input="midstream", stream=True))
    assert events[-1].type == "response.failed"
    assert events[-1].response.error.message == "Overloaded right now."
    head, chunks, ended = raw_stream(server, "", path="/v1/responses", body={"model": "m", "stream": True, "input": "truncate"})
    body = b"".join(chunks)
    assert ended and b"response.completed" not in body and b"response.output_text.delta" in body


# --- The plugins -------------------------------------------------------------------------------


def test_anthropic_sees_each_fault_in_its_own_shape(server):
    claude = anthropic.Anthropic(base_url=server.url, api_key="k", max_retries=0)
    with pytest.raises(anthropic.APIStatusError) as raised:
        with claude.messages.stream(model="claude-sonnet-4-5", max_tokens=50, messages=messages("midstream")) as stream:
            for _ in stream:
                pass
    assert "Overloaded right now." in str(raised.value)
    refused = claude.messages.create(model="claude-sonnet-4-5", max_tokens=50, messages=messages("refuse"))
    assert refused.stop_reason == "refusal"
    with pytest.raises(anthropic.APIConnectionError):
        claude.messages.create(model="claude-sonnet-4-5", max_tokens=50, messages=messages("drop"))
    head, chunks, ended = raw_stream(
        server, "", path="/v1/messages", body={"model": "c", "max_tokens": 50, "stream": True, "messages": messages("truncate")}
    )
    body = b"".join(chunks)
    assert ended and b"message_stop" not in body and b"content_block_delta" in body
    with pytest.raises(anthropic.InternalServerError):
        claude.messages.create(model="c", max_tokens=50, messages=messages("unavailable"))


def test_gemini_sees_each_fault_in_its_own_shape(server):
    gemini = genai.Client(api_key="k", http_options=types.HttpOptions(base_url=server.url, api_version="v1beta"))
    refused = gemini.models.generate_content(model="gemini-2.5-flash", contents="refuse")
    assert refused.candidates[0].finish_reason == types.FinishReason.SAFETY
    with pytest.raises(Exception):
        for _ in gemini.models.generate_content_stream(model="gemini-2.5-flash", contents="cut"):
            pass
    with pytest.raises(genai.errors.ServerError) as raised:
        gemini.models.generate_content(model="gemini-2.5-flash", contents="unavailable")
    assert raised.value.code == 503


def test_ollama_sees_each_fault_in_its_own_shape(server):
    local = ollama.Client(host=server.url)
    with pytest.raises(ollama.ResponseError) as raised:
        for _ in local.chat(model="llama3", messages=messages("midstream"), stream=True):
            pass
    assert "Overloaded right now." in str(raised.value)
    truncated = list(local.chat(model="llama3", messages=messages("truncate"), stream=True))
    assert truncated and not any(part.done for part in truncated)
    with pytest.raises(ollama.ResponseError) as unavailable:
        local.chat(model="llama3", messages=messages("unavailable"))
    assert unavailable.value.status_code == 503


def test_bad_fault_settings_are_refused_with_their_place(tmp_path):
    from conftest import run_lyrebird

    config = tmp_path / "bad.yaml"
    config.write_text(
        """
seed: -1
faults:
  - {kind: earthquake}
  - {kind: disconnect, after_events: 2, after_ms: 5}
timing: {jitter: {normal: {mean_ms: 5}}, chunk: {lines: 2}}
fixtures:
  - reply: {content: x, fault: {kind: split_events, at: middle}}
"""
    )
    result = run_lyrebird("validate", str(config))
    output = result.stdout + result.stderr
    assert result.returncode != 0
    for expected in ("seed", "faults[0].kind", "faults[1]", "timing.jitter.normal", "timing.chunk", "fault.at"):
        assert expected in output, expected
