"""What test_gemini.py and test_ollama.py share: the two provider plugins and servers that load them."""

import pathlib

from conftest import FIXTURES, Server, lyrebird_binary

BUILD = pathlib.Path(lyrebird_binary()).resolve().parent
PLUGIN_ARGS = ["--plugin", str(BUILD / "libLyrebirdGemini.so"), "--plugin", str(BUILD / "libLyrebirdOllama.so")]


def start():
    """`lyrebird serve` with both provider plugins and the shared fixtures."""
    return Server(["--config", str(FIXTURES / "providers.yaml"), *PLUGIN_ARGS])


def start_strict():
    """`lyrebird serve --strict` with both provider plugins and no fixtures at all."""
    return Server(["--strict", *PLUGIN_ARGS])
