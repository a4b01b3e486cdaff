"""The command line: serve, validate, health, strict mode, admin fixtures, clean shutdown."""

import signal
import textwrap
import urllib.parse

import httpx
import openai
import pytest

from conftest import FIXTURES, Server, run_lyrebird


def test_serve_without_config_gives_default_reply():
    server = Server([])
    try:
        assert server.url.startswith("http://127.0.0.1:")
        client = openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=0)
        reply = client.chat.completions.create(model="any", messages=[{"role": "user", "content": "hi"}])
        assert reply.choices[0].message.content == "This is a mock response from Lyrebird."
        health = httpx.get(server.url + "/health").json()
        assert health["status"] == "healthy"
        assert health["fixtures"] == 0
        assert health["version"]
    finally:
        assert server.stop() == 0


def test_health_counts_fixtures(chat_server):
    health = httpx.get(chat_server.url + "/health").json()
    assert health == {
        "status": "healthy",
        "version": health["version"],
        "fixtures": 11,
        "store": "in memory (SQLite); nothing is kept after the process ends",
        "store_reachable": True,
        "plugins": health["plugins"],
    }


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_clean_shutdown_on_signals(sig):
    server = Server([])
    server.process.send_signal(sig)
    assert server.process.wait(timeout=10) == 0


def test_validate_accepts_a_good_file():
    result = run_lyrebird("validate", str(FIXTURES / "chat.yaml"))
    assert result.returncode == 0, result.stderr
    assert "11 fixtures" in result.stdout


def test_validate_reports_every_problem_with_location(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        textwrap.dedent(
            """\
            fixtures:
              - name: broken-regex
                match: {user: {regex: "("}}
                reply: {content: hi}
              - name: typo
                match: {usr: hello}
                reply: {content: hi}
              - name: wrong-type
                match: {user: hello}
                reply: {content: [1, 2], finish_reason: sideways}
              - name: no-reply
                match: {user: hello}
            settings:
              port: many
            """
        )
    )
    result = run_lyrebird("validate", str(bad))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert f"{bad}:3:" in result.stderr and "broken-regex" in result.stderr and "match.user.regex" in result.stderr
    assert "invalid regular expression" in result.stderr
    assert "typo" in result.stderr and "match.usr" in result.stderr and "unknown condition" in result.stderr
    assert "wrong-type" in result.stderr and "reply.content: must be a string" in result.stderr
    assert "reply.finish_reason: unknown finish reason \"sideways\"" in result.stderr
    assert "no-reply" in result.stderr and "reply: missing" in result.stderr
    assert "settings.port: must be an integer" in result.stderr
    assert lines[-1] == f"6 problems in {bad}"


def test_serve_refuses_a_bad_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("fixtures:\n  - match: {user: {regex: '['}}\n    reply: {content: x}\n")
    result = run_lyrebird("serve", "--port", "0", "--config", str(bad), timeout=30)
    assert result.returncode != 0
    assert "match.user.regex" in result.stderr
    assert "listening on" not in result.stdout


def test_validate_reports_yaml_syntax_errors(tmp_path):
    bad = tmp_path / "syntax.yaml"
    bad.write_text("fixtures:\n  - match: {user: [unclosed\n")
    result = run_lyrebird("validate", str(bad))
    assert result.returncode == 1
    assert "syntax error" in result.stderr and str(bad) in result.stderr


def test_json_fixture_files_work(tmp_path):
    config = tmp_path / "fixtures.json"
    config.write_text('{"fixtures": [{"match": {"user": "ping"}, "reply": {"content": "pong"}}]}')
    assert run_lyrebird("validate", str(config)).returncode == 0
    server = Server(["--config", str(config)])
    try:
        client = openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=0)
        reply = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "ping?"}])
        assert reply.choices[0].message.content == "pong"
    finally:
        server.stop()


def test_strict_mode_names_the_closest_fixtures():
    server = Server(["--config", str(FIXTURES / "chat.yaml"), "--strict"])
    try:
        client = openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=0)
        with pytest.raises(openai.NotFoundError) as caught:
            client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hellp there"}])
        assert caught.value.code == "no_fixture_matched"
        message = caught.value.message
        assert 'fixture "greet"' in message
        assert 'does not satisfy: contains "hello"' in message
        ok = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hello"}])
        assert ok.choices[0].message.content.startswith("Hi there")
    finally:
        server.stop()


def test_fixtures_added_and_removed_at_run_time():
    server = Server([])
    try:
        client = openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=0)
        created = httpx.post(
            server.url + "/fixtures",
            json={"name": "live", "match": {"user": "runtime"}, "reply": {"content": "added live"}},
        )
        assert created.status_code == 201
        assert created.json()["id"] == "live"
        listed = httpx.get(server.url + "/fixtures").json()["data"]
        assert [fixture["id"] for fixture in listed] == ["live"]
        reply = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "runtime?"}])
        assert reply.choices[0].message.content == "added live"
        assert httpx.delete(server.url + "/fixtures/live").json()["deleted"] is True
        assert httpx.delete(server.url + "/fixtures/live").status_code == 404
        reply = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "runtime?"}])
        assert reply.choices[0].message.content.startswith("This is a mock")
        rejected = httpx.post(server.url + "/fixtures", json={"match": {"user": {"regex": "("}}, "reply": {"content": "x"}})
        assert rejected.status_code == 400
        assert "invalid regular expression" in rejected.json()["error"]["message"]
    finally:
        server.stop()


def test_fixtures_with_reserved_characters_in_their_names_can_be_deleted():
    # Found by Fuzz/Sources/fuzz-host: a fixture named "wea/ther" was added but no path reached it.
    server = Server([])
    try:
        for name in ["wea/ther", "a b", "100%", "caf\u00e9", "a%20b"]:
            created = httpx.post(server.url + "/fixtures", json={"name": name, "reply": {"content": "x"}})
            assert created.status_code == 201 and created.json()["id"] == name
            deleted = httpx.delete(server.url + "/fixtures/" + urllib.parse.quote(name, safe=""))
            assert deleted.status_code == 200 and deleted.json()["id"] == name
        assert httpx.get(server.url + "/fixtures").json()["data"] == []
    finally:
        server.stop()


def test_a_fixture_name_too_long_to_delete_is_refused():
    # Found by Fuzz/e2e.py: a fixture named with 70,000 characters was added, and the path that
    # deletes it was longer than clients send.
    server = Server([])
    try:
        refused = httpx.post(server.url + "/fixtures", json={"name": "x" * 70000, "reply": {"content": "x"}})
        assert refused.status_code == 400
        assert "at most 256 bytes" in refused.json()["error"]["message"]
        longest = "\u00e9" * 128
        created = httpx.post(server.url + "/fixtures", json={"name": longest, "reply": {"content": "x"}})
        assert created.status_code == 201 and created.json()["id"] == longest
        assert httpx.delete(server.url + "/fixtures/" + urllib.parse.quote(longest, safe="")).status_code == 200
        assert httpx.get(server.url + "/fixtures").json()["data"] == []
    finally:
        server.stop()


def test_journal_records_requests():
    server = Server([])
    try:
        client = openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=0)
        client.chat.completions.create(model="m1", messages=[{"role": "user", "content": "hi"}])
        httpx.post(server.url + "/v1/chat/completions", content=b"{")
        entries = httpx.get(server.url + "/journal").json()["data"]
        assert [entry["status"] for entry in entries] == [200, 400]
        assert entries[0]["model"] == "m1" and entries[0]["source"] == "default"
        assert entries[1]["operation"] is None and "could not parse" in entries[1]["error"]
    finally:
        server.stop()


def test_retry_after_invites_sdk_retries(tmp_path):
    config = tmp_path / "retry.yaml"
    config.write_text(
        "fixtures:\n"
        "  - match: {user: flaky}\n"
        "    reply: {error: {status: 503, message: busy, retry_after_ms: 10}}\n"
        "  - match: {user: final}\n"
        "    reply: {error: {status: 503, message: busy}}\n"
    )
    server = Server(["--config", str(config)])
    try:
        client = openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=2)
        with pytest.raises(openai.InternalServerError):
            client.chat.completions.create(model="m", messages=[{"role": "user", "content": "flaky"}])
        assert len(httpx.get(server.url + "/journal").json()["data"]) == 3
        with pytest.raises(openai.InternalServerError):
            client.chat.completions.create(model="m", messages=[{"role": "user", "content": "final"}])
        assert len(httpx.get(server.url + "/journal").json()["data"]) == 4
    finally:
        server.stop()
