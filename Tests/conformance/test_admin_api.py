"""The admin API through the real binary: fixtures created, read, replaced, reordered and deleted;
the journal filtered and paged; verification; the admin token; persistence in an SQLite file
across a restart and across kill -9; the fixture file reloaded, and a broken edit kept out."""

import json
import signal
import time

import httpx
import openai
import pytest

from conftest import Server


def chat(server, text, context=None, model="gpt-4o"):
    headers = {"x-lyrebird-context": context} if context else {}
    client = openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0, default_headers=headers)
    return client.chat.completions.create(model=model, messages=[{"role": "user", "content": text}]).choices[0].message.content


@pytest.fixture()
def server(tmp_path):
    config = tmp_path / "fixtures.yaml"
    config.write_text("fixtures:\n  - {name: weather, match: {user: weather}, reply: {content: Sunny.}}\n")
    server = Server(["--config", str(config)])
    yield server
    server.stop()


def test_fixtures_are_created_read_replaced_reordered_and_deleted(server):
    admin = server.url + "/_lyrebird"
    created = httpx.post(
        admin + "/fixtures", headers={"content-type": "application/yaml"}, content="name: greet\nmatch: {user: hello}\nreply: {content: Hi!}\n"
    )
    assert created.status_code == 201 and created.json()["id"] == "greet"
    other = httpx.post(admin + "/fixtures", json={"name": "also", "match": {"user": "hello"}, "reply": {"content": "Also hi!"}})
    assert other.status_code == 201
    assert chat(server, "hello there") == "Hi!"
    listed = httpx.get(admin + "/fixtures").json()
    assert [fixture["id"] for fixture in listed["fixtures"]] == ["weather", "greet", "also"]
    assert [fixture["origin"] for fixture in listed["fixtures"]] == ["file", "runtime", "runtime"]
    assert listed["count"] == 3 and "weather" in listed["never_hit"] and "greet" not in listed["never_hit"]
    one = httpx.get(admin + "/fixtures/greet").json()
    assert one["hits"] == 1 and "reply: {content: Hi!}" in one["text"]
    reordered = httpx.post(admin + "/fixtures/order", json={"order": ["also"]})
    assert reordered.status_code == 200 and reordered.json()["order"] == ["also", "greet"]
    assert chat(server, "hello there") == "Also hi!"
    replaced = httpx.put(admin + "/fixtures/also", json={"match": {"user": "hello"}, "reply": {"content": "Replaced."}})
    assert replaced.status_code == 200
    assert chat(server, "hello there") == "Replaced."
    assert httpx.delete(admin + "/fixtures/also").status_code == 200
    assert httpx.delete(admin + "/fixtures/also").status_code == 404
    assert chat(server, "hello there") == "Hi!"


def test_bad_changes_get_the_error_validate_would_give(server):
    admin = server.url + "/_lyrebird"
    bad = httpx.post(admin + "/fixtures", json={"match": {"user": {"regex": "(a"}}, "reply": {"content": "x"}})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_fixture"
    assert "match.user.regex" in bad.json()["error"]["message"] and "unbalanced" in bad.json()["error"]["message"]
    file_fixture = httpx.put(admin + "/fixtures/weather", json={"reply": {"content": "x"}})
    assert file_fixture.status_code == 409 and file_fixture.json()["error"]["code"] == "fixture_not_runtime"
    assert httpx.put(admin + "/fixtures/nothing", json={"reply": {"content": "x"}}).status_code == 404
    unknown = httpx.post(admin + "/fixtures/order", json={"order": ["weather"]})
    assert unknown.status_code == 400
    form = httpx.post(admin + "/fixtures", data={"name": "x"})
    assert form.status_code == 415


def test_the_hosted_services_form_is_taken(server):
    created = httpx.post(
        server.url + "/fixtures",
        json={
            "pattern": {"model": "gpt-4o-mini"},
            "response": {
                "id": "chatcmpl-fixed",
                "object": "chat.completion",
                "created": 1,
                "model": "gpt-4o-mini",
                "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "Pinned."}}],
                "usage": {"prompt_tokens": 9, "completion_tokens": 2, "total_tokens": 11},
            },
        },
    )
    assert created.status_code == 201 and created.json()["id"]
    client = openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=0)
    first = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "anything"}])
    second = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "anything"}])
    assert first.choices[0].message.content == "Pinned." and first.usage.completion_tokens == 2
    assert first.id != second.id and first.id != "chatcmpl-fixed"
    listed = httpx.get(server.url + "/fixtures").json()
    assert listed["count"] == 2 and len(listed["fixtures"]) == 2
    assert httpx.delete(server.url + "/fixtures/" + created.json()["id"]).status_code == 200
    assert httpx.delete(server.url + "/fixtures/" + created.json()["id"]).status_code == 404


def test_the_journal_is_filtered_paged_and_cleared(server):
    for number in range(5):
        chat(server, f"weather {number}", context="paging")
    chat(server, "something else", context="other")
    journal = server.url + "/_lyrebird/journal"
    page = httpx.get(journal, params={"context": "paging", "limit": 2, "offset": 2})
    assert page.headers["x-total-count"] == "5" and page.json()["total"] == 5
    assert len(page.json()["data"]) == 2 and all(entry["context"] == "paging" for entry in page.json()["data"])
    assert httpx.get(journal, params={"fixture": "default"}).json()["total"] == 1
    missed = httpx.get(journal, params={"fixture": "default"}).json()["data"][0]
    assert missed["near_misses"] and "weather" in missed["near_misses"][0]
    one = page.json()["data"][0]["request_id"]
    assert httpx.get(journal, params={"request_id": one}).json()["total"] == 1
    # The request and the reply as the client saw them, whole and streamed.
    entry = page.json()["data"][0]
    assert json.loads(entry["request_body"])["messages"][0]["content"] == "weather 2"
    assert json.loads(entry["reply"])["choices"][0]["message"]["content"] == "Sunny."
    told = json.loads(entry["reply"])["usage"]
    assert entry["usage"] == {"input_tokens": told["prompt_tokens"], "output_tokens": told["completion_tokens"]}
    client = openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0, default_headers={"x-lyrebird-context": "streamed"})
    for _ in client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "weather now"}], stream=True):
        pass
    streamed = httpx.get(journal, params={"context": "streamed"}).json()["data"][0]
    assert streamed["streamed"] and streamed["reply"] == "Sunny."
    assert streamed["usage"]["output_tokens"] == told["completion_tokens"] and streamed["usage"]["input_tokens"] > 0
    # The stream as the client received it, write by write, each with its time.
    writes = streamed["reply_writes"]
    assert writes and all(write["text"].startswith("data: ") for write in writes)
    assert [write["ms"] for write in writes] == sorted(write["ms"] for write in writes)
    assert "data: [DONE]" in writes[-1]["text"]
    big = "x" * 40_000
    chat(server, big, context="big")
    kept = httpx.get(journal, params={"context": "big"}).json()["data"][0]["request_body"]
    assert len(kept.encode()) < 16_500 and kept.endswith("more bytes)")
    assert httpx.get(journal, params={"status": "abc"}).status_code == 400
    assert httpx.get(journal, params={"since": time.time() + 3600}).json()["total"] == 0
    assert httpx.delete(journal).status_code == 200
    assert httpx.get(journal).json()["total"] == 0


def test_verification_says_what_was_expected(server):
    chat(server, "weather please", context="verify")
    chat(server, "weather again", context="verify")
    verify = server.url + "/_lyrebird/verify"
    assert httpx.get(verify + "/fixtures/weather", params={"times": 2, "context": "verify"}).json()["verified"] is True
    wrong = httpx.get(verify + "/fixtures/weather", params={"times": 3, "context": "verify"})
    assert wrong.status_code == 422
    assert wrong.json()["error"]["message"] == 'The fixture "weather" was hit 2 times in context "verify"; expected exactly 3.'
    assert httpx.get(verify + "/unmatched", params={"context": "verify"}).json()["verified"] is True
    chat(server, "no fixture for this", context="verify")
    unmatched = httpx.get(verify + "/unmatched", params={"context": "verify"})
    assert unmatched.status_code == 422 and "1 request of context" in unmatched.json()["error"]["message"]
    calls = [{"fixture": "weather"}, {"fixture": "weather", "path": "/v1/chat/completions"}, {"fixture": "default"}]
    assert httpx.post(verify + "/calls", json={"context": "verify", "calls": calls}).json()["verified"] is True
    out_of_order = httpx.post(verify + "/calls", json={"context": "verify", "calls": [{"fixture": "default"}, {"fixture": "weather"}]})
    assert out_of_order.status_code == 422 and "Call 1 of 2" in out_of_order.json()["error"]["message"]
    loose = httpx.post(verify + "/calls", json={"context": "verify", "calls": [{"fixture": "default"}], "exact": False})
    assert loose.json()["verified"] is True


def test_an_admin_token_guards_everything_but_health(tmp_path):
    server = Server(["--admin-token", "s3cret"])
    try:
        assert httpx.get(server.url + "/health").status_code == 200
        refused = httpx.get(server.url + "/_lyrebird/fixtures")
        assert refused.status_code == 401 and refused.json()["error"]["code"] == "admin_token_required"
        assert httpx.get(server.url + "/fixtures", headers={"authorization": "Bearer wrong"}).status_code == 401
        assert httpx.get(server.url + "/_lyrebird/fixtures", headers={"authorization": "Bearer s3cret"}).status_code == 200
        assert httpx.get(server.url + "/journal", headers={"x-lyrebird-admin-token": "s3cret"}).status_code == 200
        # The providers' own routes are not admin routes: their API keys are the client's business.
        assert chat(server, "hello") == "This is a mock response from Lyrebird."
    finally:
        server.stop()


def test_state_in_a_file_survives_a_restart_and_kill_9(tmp_path):
    store = tmp_path / "state.db"
    first = Server(["--store", str(store)])
    try:
        created = httpx.post(first.url + "/_lyrebird/fixtures", json={"name": "kept", "match": {"user": "kept"}, "reply": {"content": "Still here."}})
        assert created.status_code == 201
        assert chat(first, "kept?") == "Still here."
        time.sleep(0.5)  # the journal is written in batches every 100 ms
    finally:
        first.process.send_signal(signal.SIGKILL)
        first.process.wait()
    second = Server(["--store", str(store)])
    try:
        assert chat(second, "kept?") == "Still here."
        assert httpx.get(second.url + "/_lyrebird/fixtures/kept").json()["hits"] == 2
        assert httpx.get(second.url + "/_lyrebird/journal", params={"fixture": "kept"}).json()["total"] == 2
        assert "state.db" in httpx.get(second.url + "/health").json()["store"]
    finally:
        second.stop()
    third = Server(["--store", str(store)])
    try:
        assert chat(third, "kept?") == "Still here."
    finally:
        third.stop()


def test_lua_store_values_and_stored_responses_survive_kill_9(tmp_path):
    store = tmp_path / "state.db"
    config = tmp_path / "counter.yaml"
    config.write_text(
        "fixtures:\n"
        "  - match: {user: count}\n"
        "    reply:\n"
        "      lua_inline: |\n"
        "        function respond(req)\n"
        "          return 'count ' .. lyrebird.store.increment('calls')\n"
        "        end\n"
    )
    first = Server(["--config", str(config), "--store", str(store)])
    try:
        assert chat(first, "count") == "count 1"
        assert chat(first, "count") == "count 2"
        client = openai.OpenAI(base_url=first.base_url, api_key="sk-test", max_retries=0)
        created = client.responses.create(model="gpt-4o", input="keep me")
        time.sleep(0.5)  # stored responses are written in batches every 100 ms
    finally:
        first.process.send_signal(signal.SIGKILL)
        first.process.wait()
    second = Server(["--config", str(config), "--store", str(store)])
    try:
        assert chat(second, "count") == "count 3"
        client = openai.OpenAI(base_url=second.base_url, api_key="sk-test", max_retries=0)
        assert client.responses.retrieve(created.id).output_text == created.output_text
        continued = client.responses.create(model="gpt-4o", input="still there?", previous_response_id=created.id)
        assert continued.status == "completed"
    finally:
        second.stop()


def test_the_fixture_file_is_reloaded_and_a_broken_edit_kept_out(tmp_path):
    config = tmp_path / "fixtures.yaml"
    config.write_text("fixtures:\n  - {name: one, match: {user: ping}, reply: {content: one}}\n")
    server = Server(["--config", str(config)])
    try:
        assert chat(server, "ping") == "one"
        config.write_text("fixtures:\n  - {name: two, match: {user: ping}, reply: {content: two}}\n")
        deadline = time.monotonic() + 10
        while chat(server, "ping") != "two":
            assert time.monotonic() < deadline, "the edit was not picked up"
            time.sleep(0.2)
        config.write_text("fixtures:\n  - {name: three, match: {user: {regex: '(unclosed'}}, reply: {content: three}}\n")
        deadline = time.monotonic() + 10
        while True:
            reloads = httpx.get(server.url + "/_lyrebird/journal", params={"fixture": "reload"}).json()["data"]
            if any(entry["status"] == 400 for entry in reloads):
                break
            assert time.monotonic() < deadline, "the broken edit was not recorded"
            time.sleep(0.2)
        assert chat(server, "ping") == "two"
        broken = next(entry for entry in reloads if entry["status"] == 400)
        assert "unbalanced" in broken["error"] and str(config) in broken["error"]
    finally:
        server.stop()
