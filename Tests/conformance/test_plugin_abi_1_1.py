"""What ABI 1.1 gave plugin providers, through a real server: path parameters, routes a provider
answers itself, a stream that hears its client went away, the journal naming the plugin, and
the refusal of a Swift plugin built by another Swift compiler."""

import json
import re
import socket
import time

import httpx
import pytest

from conftest import Server, run_lyrebird
from test_plugins import TEST_PLUGINS, assert_refused, compile_plugin

SLOW = (
    "fixtures:\n"
    "  - match: {model: slow}\n"
    "    timing: {tokens_per_second: 20}\n"
    "    reply: {content: " + " ".join(f"word{i}" for i in range(200)) + "}\n"
    "  - reply: {content: hello from a fixture}\n"
)


@pytest.fixture(scope="module")
def things_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("things")
    library = compile_plugin(TEST_PLUGINS / "things_provider.c", folder)
    (folder / "slow.yaml").write_text(SLOW)
    server = Server(["--config", str(folder / "slow.yaml"), "--plugin", str(library), "--no-default-plugins"])
    yield server
    server.stop()


def test_path_parameters_reach_the_plugins_decode(things_server):
    response = httpx.post(things_server.url + "/things/desk%20lamp/say", json={"stream": False})
    assert response.status_code == 200, response.text
    assert response.json()["model"] == "desk lamp"


def test_a_route_the_plugin_answers_itself(things_server):
    response = httpx.get(things_server.url + "/things/kettle")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["path_parameters"] == {"thing": "kettle"}
    assert {"id": "slow", "owned_by": "lyrebird"} in body["host"]["models"]
    assert {"id": "thing-model", "owned_by": "things"} in body["host"]["models"]
    assert body["request_id"] == response.headers["x-request-id"]


def test_the_journal_names_the_plugin_that_served_each_request(things_server):
    answered = httpx.get(things_server.url + "/things/toaster")
    said = httpx.post(things_server.url + "/things/toaster/say", json={})
    builtin = httpx.post(things_server.url + "/v1/chat/completions", json={"model": "m", "messages": [{"role": "user", "content": "hi"}]})
    entries = {entry["request_id"]: entry for entry in httpx.get(things_server.url + "/journal").json()["data"]}
    for response in (answered, said):
        entry = entries[response.headers["x-request-id"]]
        assert (entry["provider"], entry["plugin"]) == ("things", "things")
    assert entries[answered.headers["x-request-id"]]["source"] == "provider"
    chat = entries[builtin.headers["x-request-id"]]
    assert chat["provider"] == "openai.chat_completions" and chat["plugin"] is None


def test_a_stream_whose_client_goes_away_is_aborted_not_finished(tmp_path):
    library = compile_plugin(TEST_PLUGINS / "things_provider.c", tmp_path)
    (tmp_path / "slow.yaml").write_text(SLOW)
    server = Server(["--config", str(tmp_path / "slow.yaml"), "--plugin", str(library), "--no-default-plugins"])
    try:
        host, port = server.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port))) as client:
            body = b'{"stream": true}'
            client.sendall(
                b"POST /things/slow/say HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                + f"content-length: {len(body)}\r\n\r\n".encode() + body
            )
            received = b""
            while b"start\n" not in received:
                received += client.recv(4096)
        # The paced stream goes on writing for seconds; its next write finds the client gone.
        deadline = time.monotonic() + 10
        journal = []
        while time.monotonic() < deadline:
            journal = [e for e in httpx.get(server.url + "/journal").json()["data"] if e["path"] == "/things/slow/say"]
            if journal:
                break
            time.sleep(0.1)
        assert journal and journal[0]["error"], journal
    finally:
        assert server.stop() == 0
    log = server.process.stderr.read()
    aborted = re.search(r"stream aborted after (\d+) events: (.+)", log)
    assert aborted, log
    assert int(aborted.group(1)) < 200


def test_a_provider_that_answers_a_route_itself_needs_an_answer_callback(tmp_path):
    library = compile_plugin(TEST_PLUGINS / "no_answer.c", tmp_path)
    assert_refused(
        ["--plugin", str(library)],
        'provider "no.answer" answers GET /no/answer itself ("answered_by": "provider") but gives no answer callback',
    )


def test_a_swift_plugin_built_by_another_swift_compiler_is_refused_naming_both(tmp_path):
    library = compile_plugin(TEST_PLUGINS / "swift_mismatch.c", tmp_path)
    host_compiler = run_lyrebird("plugins", "--json", "--no-default-plugins")
    assert host_compiler.returncode == 0, host_compiler.stderr
    host_version = json.loads(host_compiler.stdout)["host"]["swift_compiler"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", host_version)
    assert_refused(
        ["--plugin", str(library)],
        f"plugin {library}: is a Swift plugin built by Swift 5.10.1, but this host was built by Swift {host_version}",
        "rebuild the plugin with the host's Swift compiler",
    )
