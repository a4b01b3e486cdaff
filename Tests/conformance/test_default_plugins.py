"""The default plugin set: `lyrebird serve` with no plugin flags serves the Anthropic Messages API,
Google's Gemini API, Ollama's and AWS Bedrock Runtime through the plugins next to the executable
(or in an install's lib/lyrebird/plugins), and --no-default-plugins leaves them out."""

import json
import pathlib
import shutil
import subprocess

import anthropic
import boto3
import httpx
import ollama
import pytest
from google import genai
from google.genai import types

from conftest import Server, lyrebird_binary, run_lyrebird

BUILD = pathlib.Path(lyrebird_binary()).resolve().parent
ANTHROPIC_PLUGIN = BUILD / "libLyrebirdAnthropic.so"
GEMINI_PLUGIN = BUILD / "libLyrebirdGemini.so"
OLLAMA_PLUGIN = BUILD / "libLyrebirdOllama.so"
BEDROCK_PLUGIN = BUILD / "libLyrebirdBedrock.so"
DEFAULT_PLUGINS = [ANTHROPIC_PLUGIN, GEMINI_PLUGIN, OLLAMA_PLUGIN, BEDROCK_PLUGIN]
DEFAULT_REPLY = "This is a mock response from Lyrebird."
PACED = "fixtures:\n  - match: {user: slowly}\n    timing: {tokens_per_second: 2000}\n    reply: {content: one two three four}\n"


@pytest.fixture(scope="module")
def default_server(tmp_path_factory):
    # A config with fixtures but no plugins: the plugin comes from the default set alone.
    config = tmp_path_factory.mktemp("defaults") / "paced.yaml"
    config.write_text(PACED)
    server = Server(["--config", str(config)])
    yield server
    server.stop()


@pytest.fixture(scope="module")
def claude(default_server):
    return anthropic.Anthropic(base_url=default_server.url, api_key="sk-ant-test", max_retries=0)


def ask(client, text, **extra):
    return client.messages.create(model="claude-x", max_tokens=100, messages=[{"role": "user", "content": text}], **extra)


def bedrock_client(url):
    return boto3.client(
        "bedrock-runtime", endpoint_url=url, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test"
    )


def test_serve_with_no_flags_answers_messages_gemini_ollama_and_bedrock():
    server = Server([])
    try:
        message = ask(anthropic.Anthropic(base_url=server.url, api_key="k", max_retries=0), "hi")
        assert message.content[0].text == DEFAULT_REPLY
        assert message._request_id.startswith("req_")
        gemini = genai.Client(api_key="k", http_options=types.HttpOptions(base_url=server.url, api_version="v1beta"))
        assert gemini.models.generate_content(model="gemini-2.0-flash", contents="hi").text == DEFAULT_REPLY
        assert "".join(chunk.text for chunk in gemini.models.generate_content_stream(model="gemini-2.0-flash", contents="hi")) == DEFAULT_REPLY
        assert gemini.models.count_tokens(model="gemini-2.0-flash", contents="hi").total_tokens > 0
        local = ollama.Client(host=server.url)
        assert local.chat(model="llama3.2", messages=[{"role": "user", "content": "hi"}], stream=False).message.content == DEFAULT_REPLY
        assert "".join(part.response for part in local.generate(model="llama3.2", prompt="hi", stream=True)) == DEFAULT_REPLY
        assert "llama3.2:latest" in [model.model for model in local.list().models]
        bedrock = bedrock_client(server.url)
        reply = bedrock.converse(modelId="anthropic.claude-3-haiku-20240307-v1:0", messages=[{"role": "user", "content": [{"text": "hi"}]}])
        assert reply["output"]["message"]["content"] == [{"text": DEFAULT_REPLY}]
    finally:
        assert server.stop() == 0
    log = server.process.stderr.read()
    assert f"loaded plugin anthropic-messages 1.1.0 (ABI 1.2) from {ANTHROPIC_PLUGIN}" in log
    assert f"loaded plugin gemini 1.0.0 (ABI 1.2) from {GEMINI_PLUGIN}" in log
    assert f"loaded plugin ollama 1.0.0 (ABI 1.2) from {OLLAMA_PLUGIN}" in log
    assert f"loaded plugin bedrock 1.0.0 (ABI 1.2) from {BEDROCK_PLUGIN}" in log


def test_whole_reply(claude):
    message = ask(claude, "hello")
    assert message.type == "message"
    assert message.content[0].text == DEFAULT_REPLY
    assert message.stop_reason == "end_turn"


@pytest.mark.parametrize("text, reply", [("hello", DEFAULT_REPLY), ("say it slowly", "one two three four")])
def test_stream_helper_and_its_request_id(claude, text, reply):
    # The default reply leaves as one body; the paced one as events are due: both carry the id.
    with claude.messages.stream(model="claude-x", max_tokens=100, messages=[{"role": "user", "content": text}]) as stream:
        assert "".join(stream.text_stream) == reply
        final = stream.get_final_message()
        assert stream.request_id.startswith("req_")
        assert stream.request_id == stream.response.headers["x-request-id"]
    assert final.content[0].text == reply
    assert final.stop_reason == "end_turn"


def test_raw_stream_response_carries_the_request_id(claude):
    stream = ask(claude, "say it slowly", stream=True)
    types = [event.type for event in stream]
    assert types[0] == "message_start" and types[-1] == "message_stop"
    assert stream.response.headers["request-id"] == stream.response.headers["x-request-id"]
    raw = claude.messages.with_raw_response.create(
        model="claude-x", max_tokens=10, stream=True, messages=[{"role": "user", "content": "hi"}]
    )
    assert raw.request_id.startswith("req_")


def test_health_lists_the_default_plugins(default_server):
    health = httpx.get(default_server.url + "/health").json()
    host_compiler = json.loads(run_lyrebird("plugins", "--json", "--no-default-plugins").stdout)["host"]["swift_compiler"]
    expected = [
        ("anthropic-messages", "1.1.0", "anthropic.messages"),
        ("gemini", "1.0.0", "google.gemini"),
        ("ollama", "1.0.0", "ollama"),
        ("bedrock", "1.0.0", "aws.bedrock"),
    ]
    assert health["plugins"] == [
        {
            "name": name,
            "version": version,
            "abi_version": "1.2",
            "swift_compiler": host_compiler,  # Swift plugins, built by the host's compiler
            "path": str(path),
            "providers": [provider],
            "responders": [],
        }
        for (name, version, provider), path in zip(expected, DEFAULT_PLUGINS)
    ]


def test_no_default_plugins_leaves_messages_gemini_ollama_and_bedrock_unserved():
    server = Server(["--no-default-plugins"])
    try:
        response = httpx.post(
            server.url + "/v1/messages",
            json={"model": "claude-x", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]},
        )
        assert response.status_code == 404
        gemini = httpx.post(server.url + "/v1beta/models/gemini-2.0-flash:generateContent", json={"contents": [{"parts": [{"text": "hi"}]}]})
        assert gemini.status_code == 404
        assert httpx.post(server.url + "/api/chat", json={"model": "llama3.2", "messages": []}).status_code == 404
        assert httpx.post(server.url + "/model/m/converse", json={"messages": []}).status_code == 404
        assert httpx.get(server.url + "/health").json()["plugins"] == []
    finally:
        assert server.stop() == 0
    listing = run_lyrebird("plugins", "--no-default-plugins")
    assert listing.returncode == 0 and "no plugins loaded" in listing.stdout


def test_a_default_named_again_loads_once(tmp_path):
    # Through a link, on the command line and in the config file: one file, loaded once.
    link = tmp_path / "anthropic-link.so"
    link.symlink_to(ANTHROPIC_PLUGIN)
    config = tmp_path / "lyrebird.yaml"
    config.write_text(f"plugins:\n  - {ANTHROPIC_PLUGIN}\n")
    args = ["--config", str(config), "--plugin", str(link)]
    listing = run_lyrebird("plugins", *args)
    assert listing.returncode == 0, listing.stderr
    assert listing.stdout.count("anthropic-messages") == 1
    server = Server(args)
    try:
        plugins = httpx.get(server.url + "/health").json()["plugins"]
        assert [plugin["path"] for plugin in plugins] == [str(plugin) for plugin in DEFAULT_PLUGINS]
    finally:
        assert server.stop() == 0


def test_a_default_named_with_a_configuration_loads_once(tmp_path):
    # The default set adds it again without one, which is no conflict.
    config = tmp_path / "lyrebird.yaml"
    config.write_text(f"plugins:\n  - path: {ANTHROPIC_PLUGIN}\n    config: {{unused: true}}\nfixtures: []\n")
    result = run_lyrebird("validate", str(config))
    assert result.returncode == 0, result.stderr
    assert "OK, 0 fixtures, 4 plugins" in result.stdout


def test_validate_counts_the_default_plugins(tmp_path):
    config = tmp_path / "empty.yaml"
    config.write_text("fixtures: []\n")
    assert "OK, 0 fixtures, 4 plugins" in run_lyrebird("validate", str(config)).stdout
    assert "OK, 0 fixtures, 0 plugins" in run_lyrebird("validate", str(config), "--no-default-plugins").stdout


def install(prefix, plugins=DEFAULT_PLUGINS):
    """Lays out an install as scripts/install.sh does: bin/lyrebird and lib/lyrebird/plugins."""
    (prefix / "bin").mkdir(parents=True)
    shutil.copy(lyrebird_binary(), prefix / "bin" / "lyrebird")
    (prefix / "lib" / "lyrebird" / "plugins").mkdir(parents=True)
    for plugin in plugins:
        shutil.copy(plugin, prefix / "lib" / "lyrebird" / "plugins" / plugin.name)
    return prefix / "bin" / "lyrebird"


def test_install_sh_installs_every_default_plugin():
    script = (pathlib.Path(__file__).resolve().parents[2] / "scripts" / "install.sh").read_text()
    for plugin in DEFAULT_PLUGINS:
        assert plugin.name in script


def run_installed(binary, *args):
    return subprocess.run([str(binary), *args], capture_output=True, text=True, timeout=60)


def test_an_install_finds_its_plugins_in_lib_lyrebird_plugins(tmp_path):
    binary = install(tmp_path / "prefix")
    listing = run_installed(binary, "plugins")
    assert listing.returncode == 0, listing.stderr
    for plugin in DEFAULT_PLUGINS:
        assert f"from {tmp_path / 'prefix' / 'lib' / 'lyrebird' / 'plugins' / plugin.name}" in listing.stdout
    # Reached through a link, it still finds the plugins of its own install.
    (tmp_path / "path").mkdir()
    (tmp_path / "path" / "lyrebird").symlink_to(binary)
    assert run_installed(tmp_path / "path" / "lyrebird", "plugins").stdout == listing.stdout


def test_a_missing_default_plugin_is_logged_not_fatal(tmp_path):
    binary = install(tmp_path / "prefix", plugins=[])
    listing = run_installed(binary, "plugins")
    assert listing.returncode == 0
    assert "no plugins loaded" in listing.stdout
    assert "default plugin libLyrebirdAnthropic.so is not in" in listing.stderr
    assert "Anthropic Messages, POST /v1/messages is not served" in listing.stderr
    assert "default plugin libLyrebirdGemini.so is not in" in listing.stderr
    assert "default plugin libLyrebirdOllama.so is not in" in listing.stderr
    assert "default plugin libLyrebirdBedrock.so is not in" in listing.stderr
    assert "AWS Bedrock Runtime, POST /model/{modelId}/converse and the rest is not served" in listing.stderr
    # One missing leaves the others served.
    partial = install(tmp_path / "partial", plugins=[ANTHROPIC_PLUGIN, OLLAMA_PLUGIN])
    listing = run_installed(partial, "plugins")
    assert listing.returncode == 0
    assert "anthropic-messages" in listing.stdout and "ollama" in listing.stdout and "gemini" not in listing.stdout
    assert "default plugin libLyrebirdGemini.so is not in" in listing.stderr


def test_a_broken_default_plugin_is_fatal(tmp_path):
    binary = install(tmp_path / "prefix", plugins=[])
    broken = tmp_path / "prefix" / "bin" / ANTHROPIC_PLUGIN.name
    broken.write_text("not an ELF file")
    for command in (["serve", "--port", "0"], ["plugins"]):
        result = run_installed(binary, *command)
        assert result.returncode == 1
        assert "listening on" not in result.stdout
        assert f"plugin {broken}: not a loadable shared library" in result.stderr
        assert "is a default plugin; --no-default-plugins leaves the default set out" in result.stderr
    assert run_installed(binary, "plugins", "--no-default-plugins").returncode == 0
