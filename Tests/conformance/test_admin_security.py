"""The admin endpoints can reprogram the server, so a web page must not reach them: form-like
content types, foreign origins and foreign host names (DNS rebinding) are refused, and a YAML
fixture whose aliases expand without bound is refused before it is built."""

import time

import httpx
import pytest

from conftest import Server

FIXTURE_YAML = "match: {user: admin-test}\nreply: {content: installed}\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    config = tmp_path_factory.mktemp("admin") / "admin.yaml"
    config.write_text(
        "settings:\n"
        "  admin_origins: [http://dashboard.example:3000]\n"
        "  admin_hosts: [mock.internal]\n"
        "fixtures: []\n"
    )
    server = Server(["--config", str(config)])
    yield server
    server.stop()


def post_fixture(server, body=FIXTURE_YAML, **headers):
    return httpx.post(server.url + "/fixtures", content=body, headers={"content-type": "application/yaml", **headers})


def assert_refused(response, status, code):
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


def test_a_simple_cross_origin_post_is_refused(server):
    # What a page can send without a preflight: text/plain, form encoding.
    for content_type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]:
        assert_refused(post_fixture(server, **{"content-type": content_type}), 415, "unsupported_media_type")
    assert_refused(post_fixture(server, origin="http://evil.example"), 403, "admin_origin_refused")
    assert_refused(httpx.get(server.url + "/journal", headers={"origin": "http://evil.example"}), 403, "admin_origin_refused")
    listed = httpx.get(server.url + "/fixtures").json()["data"]
    assert listed == []


def test_the_servers_own_and_listed_origins_are_allowed(server):
    host = server.url.removeprefix("http://")
    response = post_fixture(server, origin="http://" + host)
    assert response.status_code == 201, response.text
    response = post_fixture(server, body=FIXTURE_YAML.replace("admin-test", "other"), origin="http://dashboard.example:3000")
    assert response.status_code == 201, response.text
    for fixture in httpx.get(server.url + "/fixtures").json()["data"]:
        assert httpx.delete(server.url + "/fixtures/" + fixture["id"]).status_code == 200


def test_json_fixtures_are_accepted(server):
    response = httpx.post(server.url + "/fixtures", json={"match": {"user": "json"}, "reply": {"content": "ok"}})
    assert response.status_code == 201, response.text
    assert httpx.delete(server.url + "/fixtures/" + response.json()["id"]).status_code == 200


def test_a_rebound_host_name_is_refused(server):
    port = server.url.rsplit(":", 1)[1]
    assert_refused(post_fixture(server, host=f"attacker.example:{port}"), 403, "admin_host_refused")
    assert_refused(httpx.get(server.url + "/journal", headers={"host": "attacker.example"}), 403, "admin_host_refused")
    for allowed in [f"localhost:{port}", f"127.0.0.1:{port}", f"mock.internal:{port}"]:
        assert httpx.get(server.url + "/health", headers={"host": allowed}).status_code == 200
    # The API itself answers whatever the host name: only the admin endpoints are guarded.
    response = httpx.post(
        server.base_url + "/chat/completions",
        json={"model": "m", "messages": [{"role": "user", "content": "hi"}]},
        headers={"host": "attacker.example"},
    )
    assert response.status_code == 200


def test_a_yaml_alias_bomb_is_refused_quickly(server):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]")
    body = "reply:\n  tool_calls:\n    - name: t\n      arguments:\n" + "".join(f"        {line}\n" for line in lines)
    assert len(body) < 1000
    started = time.monotonic()
    response = post_fixture(server, body=body)
    assert time.monotonic() - started < 5
    # It passes the size one fixture may take long before the alias budget.
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "fixture_too_large"
    assert httpx.get(server.url + "/health").status_code == 200


def test_fixtures_sent_over_http_name_no_files_outside_the_scripts_folder(tmp_path):
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    (scripts / "hello.lua").write_text('function respond(req) return "hello from a file" end\n')
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret contents\n")
    config = tmp_path / "config.yaml"
    config.write_text(f"settings:\n  scripts_dir: scripts\n  lua_instruction_limit: 100000\nfixtures: []\n")
    server = Server(["--config", str(config)])
    try:
        for named in [str(secret), "../secret.txt", "/etc/passwd"]:
            response = post_fixture(server, body=f"reply: {{lua: {named!r}}}\n")
            assert response.status_code == 400, response.text
            assert "not inside settings.scripts_dir" in response.text
            assert "secret contents" not in response.text and "root:" not in response.text
        response = post_fixture(server, body="match: {user: file}\nreply: {lua: hello.lua}\n")
        assert response.status_code == 201, response.text
        reply = httpx.post(
            server.base_url + "/chat/completions", json={"model": "m", "messages": [{"role": "user", "content": "file"}]}
        )
        assert reply.json()["choices"][0]["message"]["content"] == "hello from a file"
        # The host's limits apply when a posted script is compiled and first run.
        started = time.monotonic()
        response = post_fixture(server, body='reply: {lua_inline: "while true do end\\nfunction respond() end"}\n')
        assert response.status_code == 400
        assert "instruction limit" in response.text
        assert time.monotonic() - started < 5
    finally:
        server.stop()


def test_without_a_scripts_folder_posted_fixtures_name_no_files(server, tmp_path):
    script = tmp_path / "x.lua"
    script.write_text('function respond(req) return "x" end\n')
    response = post_fixture(server, body=f"reply: {{lua: {str(script)!r}}}\n")
    assert response.status_code == 400
    assert "may not name script files" in response.text
