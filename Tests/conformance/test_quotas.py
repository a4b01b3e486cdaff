"""Keys, plans and rate limits through the real binary and the official SDKs: 401 and 403 in each
provider's shape, the rate-limit headers in each dialect, 429 past a limit with retry-after and
the detail object, SDK retries that honour retry-after, a virtual clock reopening a window, and
counters that survive a restart and are one for a fleet."""

import threading
import time

import anthropic
import httpx
import openai
import pytest

from conftest import Server

CONFIG = """
settings:
  auth: keys
  clock: virtual
  plans:
    free: {requests_per_minute: 3, requests_per_day: 100, tokens_per_minute: 100000}
    tiny_tokens: {tokens_per_minute: 40}
    one_at_a_time: {concurrent_requests: 1}
    pro:
  keys:
    - {key: sk-free, plan: free}
    - {key: sk-tokens, plan: tiny_tokens}
    - {key: sk-single, plan: one_at_a_time}
    - {key: sk-pro, plan: pro}
fixtures:
  - match: {user: slow}
    timing: {first_token_ms: 1200}
    reply: {content: "Slowly."}
  - reply: {content: "Counted."}
"""


def write_config(tmp_path, text=CONFIG):
    path = tmp_path / "quotas.yaml"
    path.write_text(text)
    return str(path)


@pytest.fixture()
def server(tmp_path):
    server = Server(["--config", write_config(tmp_path)])
    yield server
    server.stop()


def openai_client(server, key, retries=0):
    return openai.OpenAI(base_url=server.base_url, api_key=key, max_retries=retries)


def chat(client, text="hello"):
    return client.chat.completions.with_raw_response.create(model="gpt-4o", messages=[{"role": "user", "content": text}])


def test_a_free_key_stops_at_its_limit_with_openai_headers_and_a_429(server):
    client = openai_client(server, "sk-free")
    remaining = []
    for _ in range(3):
        raw = chat(client)
        assert raw.parse().choices[0].message.content == "Counted."
        assert raw.headers["x-ratelimit-limit-requests"] == "3"
        remaining.append(raw.headers["x-ratelimit-remaining-requests"])
        assert raw.headers["x-ratelimit-limit-tokens"] == "100000"
        assert raw.headers["x-ratelimit-limit"] == "3"
        assert int(raw.headers["x-ratelimit-reset"]) > time.time() - 5
    assert remaining == ["2", "1", "0"]
    with pytest.raises(openai.RateLimitError) as refused:
        chat(client)
    response = refused.value.response
    assert response.status_code == 429
    assert 1 <= int(response.headers["retry-after"]) <= 60
    assert 1 <= int(response.headers["retry-after-ms"]) <= 60_000
    body = response.json()
    assert body["error"]["type"] == "rate_limit_error" and body["error"]["code"] == "rate_limit_exceeded"
    assert body["detail"]["error"] == "rate_limit_exceeded"
    assert body["detail"]["limit"] == {"name": "requests_per_minute", "value": 3}
    assert body["detail"]["usage"]["requests_this_minute"] == 3
    journal = httpx.get(server.url + "/_lyrebird/journal", params={"status": 429}).json()
    assert journal["total"] == 1


def test_the_virtual_clock_reopens_the_window(server):
    client = openai_client(server, "sk-free")
    for _ in range(3):
        chat(client)
    with pytest.raises(openai.RateLimitError):
        chat(client)
    before = httpx.get(server.url + "/_lyrebird/clock").json()
    assert before["mode"] == "virtual"
    moved = httpx.post(server.url + "/_lyrebird/clock", json={"advance_ms": 60_000}).json()
    assert moved["now_ms"] - before["now_ms"] == 60_000
    raw = chat(client)
    assert raw.headers["x-ratelimit-remaining-requests"] == "2"
    assert httpx.post(server.url + "/_lyrebird/clock", json={"advance_ms": -1}).status_code == 400
    assert httpx.post(server.url + "/_lyrebird/clock", json={}).status_code == 400


def test_a_pro_key_never_stops(server):
    client = openai_client(server, "sk-pro")
    for _ in range(12):
        assert chat(client).parse().choices[0].message.content == "Counted."


def test_tokens_per_minute_count_what_the_replies_count(server):
    client = openai_client(server, "sk-tokens")
    first = chat(client, "a question of a few words").parse()
    used = first.usage.prompt_tokens + first.usage.completion_tokens
    assert used > 0
    calls = 1
    with pytest.raises(openai.RateLimitError) as refused:
        for _ in range(40):
            chat(client, "a question of a few words")
            calls += 1
    assert calls == -(-40 // used)  # every call's tokens counted until the 40 were spent
    assert refused.value.response.json()["detail"]["limit"]["name"] == "tokens_per_minute"


def test_sdk_retries_honour_retry_after(server):
    client = openai_client(server, "sk-single", retries=2)
    slow = threading.Thread(target=lambda: chat(openai_client(server, "sk-single"), "slow"))
    slow.start()
    time.sleep(0.3)
    started = time.monotonic()
    assert chat(client).parse().choices[0].message.content == "Counted."
    waited = time.monotonic() - started
    slow.join()
    # The first try met the running request (429, retry-after 1 s); the SDK waited, then got in.
    assert waited >= 0.8
    statuses = [entry["status"] for entry in httpx.get(server.url + "/_lyrebird/journal").json()["data"]]
    assert statuses.count(429) >= 1 and statuses.count(200) == 2


def test_missing_and_unknown_keys_in_each_providers_shape(server):
    # The SDK will not send a request without a key; a bare client does.
    missing = httpx.post(server.base_url + "/chat/completions", json={"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]})
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "missing_api_key" and missing.json()["detail"]["error"] == "missing_api_key"
    with pytest.raises(openai.PermissionDeniedError):
        chat(openai_client(server, "sk-stranger"))
    claude = anthropic.Anthropic(base_url=server.url, api_key="sk-stranger", max_retries=0)
    with pytest.raises(anthropic.PermissionDeniedError) as denied:
        claude.messages.create(model="claude-sonnet-4-20250514", max_tokens=50, messages=[{"role": "user", "content": "hi"}])
    assert denied.value.response.json()["type"] == "error"
    gemini = httpx.post(
        server.url + "/v1beta/models/gemini-2.0-flash:generateContent",
        params={"key": "sk-stranger"},
        json={"contents": [{"role": "user", "parts": [{"text": "hi"}]}]},
    )
    assert gemini.status_code == 403 and gemini.json()["error"]["code"] == 403
    ollama = httpx.post(server.url + "/api/chat", json={"model": "llama3", "messages": [{"role": "user", "content": "hi"}], "stream": False})
    assert ollama.status_code == 401 and isinstance(ollama.json()["error"], str)


def test_anthropic_sees_its_own_rate_limit_headers(server):
    claude = anthropic.Anthropic(base_url=server.url, api_key="sk-free", max_retries=0)
    raw = claude.messages.with_raw_response.create(
        model="claude-sonnet-4-20250514", max_tokens=50, messages=[{"role": "user", "content": "hi"}]
    )
    assert raw.headers["anthropic-ratelimit-requests-limit"] == "3"
    assert raw.headers["anthropic-ratelimit-requests-remaining"] == "2"
    assert raw.headers["anthropic-ratelimit-requests-reset"].endswith("Z")
    assert raw.headers["anthropic-ratelimit-tokens-limit"] == "100000"


def test_streams_carry_the_headers(server):
    client = openai_client(server, "sk-free")
    with client.chat.completions.with_streaming_response.create(
        model="gpt-4o", messages=[{"role": "user", "content": "slow"}], stream=True
    ) as response:
        assert response.headers["x-ratelimit-remaining-requests"] == "2"
        assert "Slowly." in "".join(response.iter_text())


def test_counters_survive_a_restart(tmp_path):
    config = write_config(tmp_path, CONFIG.replace("clock: virtual", "clock: real"))
    store = str(tmp_path / "state.db")
    first = Server(["--config", config, "--store", store])
    try:
        chat(openai_client(first, "sk-free"))
        chat(openai_client(first, "sk-free"))
        time.sleep(0.4)  # counts are written with the store's batches
    finally:
        first.stop()
    second = Server(["--config", config, "--store", store])
    try:
        if time.gmtime().tm_sec >= 58:
            pytest.skip("the minute turned over between the two hosts")
        assert chat(openai_client(second, "sk-free")).headers["x-ratelimit-remaining-requests"] == "0"
        with pytest.raises(openai.RateLimitError):
            chat(openai_client(second, "sk-free"))
    finally:
        second.stop()


def test_a_fleet_counts_each_request_once(postgres, tmp_path):
    url = postgres.url("quota_fleet")
    config = write_config(tmp_path, CONFIG.replace("clock: virtual", "clock: real"))
    hosts = [Server(["--config", config, "--store", url]) for _ in range(2)]
    try:
        while time.gmtime().tm_sec >= 55:
            time.sleep(1)  # all in one minute
        remaining = []
        for index in range(3):
            remaining.append(chat(openai_client(hosts[index % 2], "sk-free")).headers["x-ratelimit-remaining-requests"])
            time.sleep(0.3)  # each host hears the other's counts with the next batch
        assert remaining == ["2", "1", "0"]
        for host in hosts:
            with pytest.raises(openai.RateLimitError):
                chat(openai_client(host, "sk-free"))
    finally:
        for host in hosts:
            host.stop()


def test_verdicts_tell_a_client_that_waits_from_one_that_does_not(server):
    slow = threading.Thread(target=lambda: chat(openai_client(server, "sk-single"), "slow"))
    slow.start()
    time.sleep(0.3)
    chat(openai_client(server, "sk-single", retries=2))  # waits for retry-after, then gets in
    slow.join()
    # A client that hammers: no key of its own context, retries at once.
    headers = {"authorization": "Bearer sk-free", "x-lyrebird-context": "hammer"}
    body = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}
    statuses = [httpx.post(server.base_url + "/chat/completions", json=body, headers=headers).status_code for _ in range(6)]
    assert statuses == [200, 200, 200, 429, 429, 429]
    verdicts = {(v["api_key"], v["context"]): v for v in httpx.get(server.url + "/_lyrebird/verdicts").json()["data"]}
    patient = verdicts[("sk-single", "sk-single")]
    assert patient["verdict"] == "backs_off" and patient["rate_limited"] >= 1 and patient["early_retries"] == 0
    assert patient["shortest_wait_ms"] >= patient["retry_after_ms"] - 50
    hammer = verdicts[("sk-free", "hammer")]
    assert hammer == {**hammer, "rate_limited": 3, "retries": 2, "early_retries": 2, "verdict": "ignores_retry_after"}
    only = httpx.get(server.url + "/_lyrebird/verdicts", params={"context": "hammer"}).json()["data"]
    assert [v["context"] for v in only] == ["hammer"]


def test_analytics_count_a_known_sequence(server):
    client = openai_client(server, "sk-pro")
    for _ in range(3):
        chat(client)
    client.models.list()
    chat(openai_client(server, "sk-free"))
    usage = httpx.get(server.url + "/analytics/usage", params={"key": "sk-pro"}).json()
    assert usage["total_records"] == 4
    assert len(usage["data"]) == 1
    assert usage["data"][0]["by_endpoint"] == {"/v1/chat/completions": 3, "/v1/models": 1}
    hourly = httpx.get(server.url + "/analytics/usage", params={"granularity": "hour"}).json()
    assert hourly["total_records"] == 5 and hourly["data"][0]["period"].endswith(":00:00Z")
    summary = httpx.get(server.url + "/analytics/summary", params={"key": "sk-pro"}).json()
    assert summary["calls_this_month"] == 4 and summary["calls_today"] == 4
    assert summary["most_used_model"] == "gpt-4o"
    assert summary["calls_by_endpoint"] == {"/v1/chat/completions": 3, "/v1/models": 1}
    assert summary["average_response_time_ms"] >= 0
    assert httpx.get(server.url + "/analytics/usage", params={"start_date": "2026-02-30"}).status_code == 400
    assert httpx.get(server.url + "/analytics/usage", params={"granularity": "week"}).status_code == 400
    assert httpx.get(server.url + "/health").json()["store_reachable"] is True


def test_the_metrics_page_counts_what_happened(server):
    from prometheus_client.parser import text_string_to_metric_families

    for _ in range(2):
        chat(openai_client(server, "sk-pro"))
    with client_stream(server) as response:
        "".join(response.iter_text())
    # The stream took one of sk-free's three; two bad requests take the rest, the third is refused.
    for _ in range(3):
        httpx.post(server.base_url + "/chat/completions", json={"model": "m", "messages": []}, headers={"authorization": "Bearer sk-free"})
    page = httpx.get(server.url + "/metrics")
    assert page.headers["content-type"].startswith("text/plain; version=0.0.4")
    families = {family.name: family for family in text_string_to_metric_families(page.text)}
    requests = {tuple(sorted(sample.labels.items())): sample.value for sample in families["lyrebird_requests"].samples}
    chat_labels = (("operation", "chat.completions"), ("provider", "openai.chat_completions"))
    assert requests[tuple(sorted(chat_labels + (("source", "fixture-2"), ("status", "200"))))] == 3
    assert requests[(("operation", "none"), ("provider", "openai.chat_completions"), ("source", "quota"), ("status", "429"))] == 1
    assert requests[(("operation", "none"), ("provider", "openai.chat_completions"), ("source", "none"), ("status", "400"))] == 2
    rejections = {sample.labels["status"]: sample.value for sample in families["lyrebird_quota_rejections"].samples}
    assert rejections == {"429": 1}
    streams = [sample for sample in families["lyrebird_streams"].samples if sample.name == "lyrebird_streams_total"]
    assert streams[0].value == 1
    count = [s for s in families["lyrebird_request_duration_seconds"].samples if s.name.endswith("_count") and s.labels["operation"] == "chat.completions"]
    assert count and count[0].value >= 3
    assert families["lyrebird_script_queue_waiting"].samples[0].value == 0


def client_stream(server):
    client = openai_client(server, "sk-free")
    return client.chat.completions.with_streaming_response.create(
        model="gpt-4o", messages=[{"role": "user", "content": "hi"}], stream=True
    )


def test_metrics_can_be_turned_off(tmp_path):
    server = Server(["--config", write_config(tmp_path, CONFIG.replace("settings:\n", "settings:\n  metrics: false\n", 1))])
    try:
        off = httpx.get(server.url + "/metrics")
        assert off.status_code == 404 and off.json()["error"]["code"] == "metrics_off"
    finally:
        server.stop()
