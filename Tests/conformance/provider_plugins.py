"""What test_gemini.py and test_ollama.py share: the two provider plugins and servers that load them."""

import pathlib

import pytest

from conftest import FIXTURES, Server, lyrebird_binary

BUILD = pathlib.Path(lyrebird_binary()).resolve().parent
PLUGIN_ARGS = ["--plugin", str(BUILD / "libLyrebirdGemini.so"), "--plugin", str(BUILD / "libLyrebirdOllama.so")]

# Plugin ABI 1.x hands a plugin provider neither the path parameters of a route (the Gemini
# model in /v1beta/models/{model}:generateContent) nor the requests of routes it answers itself
# (countTokens, model lists), and the host does not ask a plugin for its models. Through the .so
# these tests fail until it does; strict, so that they fail loudly, and the mark must go, once
# the ABI carries them. The same tests pass against a host that serves the providers in-process.
NEEDS_ABI = pytest.mark.xfail(
    strict=True, reason="plugin ABI 1.x carries no path parameters and no provider-answered routes to plugin providers"
)


def start():
    """`lyrebird serve` with both provider plugins and the shared fixtures."""
    return Server(["--config", str(FIXTURES / "providers.yaml"), *PLUGIN_ARGS])


def start_strict():
    """`lyrebird serve --strict` with both provider plugins and no fixtures at all."""
    return Server(["--strict", *PLUGIN_ARGS])
