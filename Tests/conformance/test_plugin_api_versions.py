"""The Swift plugin API stays source-compatible within a major version (docs/plugins.md,
"The Swift layer's versions"): a plugin package written outside Lyrebird against 1.1, which
switches over every public enum of the API the way the rule asks, builds unchanged and serves;
and the compiler tells an author who leaves out `@unknown default` to add it."""

import json
import pathlib
import shutil
import subprocess

import httpx
import pytest

from conftest import ROOT, Server

PLUGINS = pathlib.Path(__file__).resolve().parent / "plugins"


@pytest.fixture(scope="module")
def outside(tmp_path_factory):
    """The 1.1 package, copied beside a checkout named `lyrebird` (its Package.swift names the
    dependency by that path), and built."""
    root = tmp_path_factory.mktemp("outside")
    shutil.copytree(PLUGINS / "outside_swift_1_1", root / "plugin")
    (root / "lyrebird").symlink_to(ROOT)
    scratch = root / "build"
    built = subprocess.run(
        ["swift", "build", "--scratch-path", str(scratch)], cwd=root / "plugin", capture_output=True, text=True, timeout=1500
    )
    assert built.returncode == 0, built.stdout[-4000:] + built.stderr[-4000:]
    binaries = subprocess.run(
        ["swift", "build", "--scratch-path", str(scratch), "--show-bin-path"], cwd=root / "plugin", capture_output=True, text=True, check=True
    )
    return root, scratch, built.stdout + built.stderr, pathlib.Path(binaries.stdout.strip()) / "libOutsidePlugin.so"


def test_a_plugin_written_against_1_1_builds_unchanged_and_serves(outside):
    _, _, output, library = outside
    assert "warning: switch" not in output
    server = Server(["--plugin", str(library), "--no-default-plugins"])
    try:
        response = httpx.post(server.url + "/outside/echo", json={"model": "m", "text": "hello"})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["echo"] == "This is a mock response from Lyrebird."
        assert body["seen"] == [
            "POST", "fixtures", "envelope outside", "http", "sse", "websocket", "user", "text part", "tools auto",
            "text format", "message", "stop", "object",
        ]
        with httpx.stream("POST", server.url + "/outside/echo", json={"model": "m", "text": "hi", "stream": True}) as streamed:
            lines = streamed.read().decode().splitlines()
        assert lines[-3:] == ["finish: stop", lines[-2], "end"] and lines[-2].startswith("usage: ")
    finally:
        assert server.stop() == 0
    assert "outside plugin ready at level info" in server.process.stderr.read()


def test_a_switch_without_unknown_default_is_warned_about(outside):
    root, scratch, _, _ = outside
    source = root / "plugin" / "Sources" / "OutsidePlugin" / "OutsidePlugin.swift"
    original = source.read_text()
    try:
        source.write_text(original.replace('    @unknown default: return "unknown event"\n', "", 1))
        built = subprocess.run(
            ["swift", "build", "--scratch-path", str(scratch)], cwd=root / "plugin", capture_output=True, text=True, timeout=1500
        )
        output = built.stdout + built.stderr
        # A warning, so that plugins written before the rule still build; it names the enum.
        assert built.returncode == 0, output[-4000:]
        assert "switch covers known cases, but 'ReplyEvent' may have additional unknown values" in output
    finally:
        source.write_text(original)
