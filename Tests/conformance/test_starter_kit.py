"""`lyrebird plugins init`: the four starter packages are generated, build with their one command,
pass their own tests (which serve them with `lyrebird serve --plugin`), and answer here through a
real server too.

The templates they are copied from (Sources/lyrebird/StarterKit/Templates) build and pass their
own tests as they stand too, each in a copy.

A Swift package resolves Lyrebird's dependencies and builds the plugin API: about two minutes on
two cores. The kits are built once, in one module-scoped fixture; the Swift provider builds with a
plain `swift build`, and the Swift responder then shares its build folder (`--scratch-path`), which
halves its time. The two Swift templates share a build folder of their own in the same way."""

import json
import os
import pathlib
import shutil
import subprocess
import time

import httpx
import openai
import pytest

from conftest import ROOT, Server, lyrebird_binary, run_lyrebird

KINDS = [("provider", "c"), ("responder", "c"), ("provider", "swift"), ("responder", "swift")]
TEMPLATES = ROOT / "Sources/lyrebird/StarterKit/Templates"
# Template spellings that `plugins init` replaces in every kit (StarterNames.template,
# StarterKit.TemplateSpelling). Not `package: "lyrebird"`: a checkout may be named lyrebird.
TEMPLATE_SPELLINGS = ["my-plugin", "MyPlugin", "my_plugin", '"../lyrebird"', "/usr/local/bin/lyrebird"]


def build_command(language):
    return ["make"] if language == "c" else ["swift", "build"]


def kit_test_command(language):
    return ["make", "test", f"LYREBIRD={lyrebird_binary()}"] if language == "c" else ["swift", "test"]


def library(folder, kind, language, scratch=()):
    if language == "c":
        return folder / f"libkit_{language}_{kind}.so"
    built = subprocess.run(["swift", "build", *scratch, "--show-bin-path"], cwd=folder, capture_output=True, text=True, check=True)
    return pathlib.Path(built.stdout.strip()) / f"libKit{language.capitalize()}{kind.capitalize()}.so"


def build_and_test(folder, language, scratch=()):
    """Builds the package in `folder` with its one command and runs its own test; returns the seconds
    both took."""
    started = time.monotonic()
    for command in (build_command(language) + list(scratch), kit_test_command(language) + list(scratch)):
        result = subprocess.run(
            command, cwd=folder, capture_output=True, text=True, timeout=1500,
            env={**os.environ, "LYREBIRD_BIN": lyrebird_binary()},
        )
        assert result.returncode == 0, f"{' '.join(command)} in {folder}:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return round(time.monotonic() - started)


@pytest.fixture(scope="module")
def kits(tmp_path_factory):
    """Generates, builds and tests every kind; returns {(kind, language): (folder, library)}, and
    prints how long each took."""
    root = tmp_path_factory.mktemp("kits")
    kits, seconds = {}, {}
    for kind, language in KINDS:
        folder = root / f"{language}-{kind}"
        made = run_lyrebird(
            "plugins", "init", str(folder), "--kind", kind, "--language", language,
            "--lyrebird-path", str(ROOT), "--name", f"kit-{language}-{kind}",
        )
        assert made.returncode == 0, made.stderr
        # The second Swift kit builds in the first one's build folder: Lyrebird's checkouts and
        # the plugin API built there serve both.
        scratch = ["--scratch-path", str(root / "swift-provider" / ".build")] if (kind, language) == ("responder", "swift") else []
        seconds[f"{language} {kind}"] = build_and_test(folder, language, scratch)
        kits[(kind, language)] = (folder, library(folder, kind, language, scratch))
    print(f"starter kits built and tested in seconds: {seconds}")
    return kits


@pytest.mark.parametrize("kind, language", KINDS)
def test_each_kit_builds_with_one_command_and_passes_its_own_test(kits, kind, language):
    folder, lib = kits[(kind, language)]
    readme = (folder / "README.md").read_text()
    # The README starts with the commands that build and test it.
    assert readme.split("\n\n", 1)[1].startswith("```sh\n")
    first_block = readme.split("```sh\n", 1)[1].split("```", 1)[0].splitlines()
    assert first_block[0].startswith(" ".join(build_command(language)) + " ")
    assert first_block[1].startswith(" ".join(kit_test_command(language)[:2]) + " ")
    assert lib.exists()
    listing = json.loads(run_lyrebird("plugins", "--json", "--no-default-plugins", "--plugin", str(lib)).stdout)
    assert listing["plugins"][0]["name"] == f"kit-{language}-{kind}"


@pytest.fixture(scope="module")
def template_copies(tmp_path_factory):
    """Where templates are copied to build: beside a link named `lyrebird` to this checkout, which
    the Swift templates' `.package(path: "../lyrebird")` names."""
    root = tmp_path_factory.mktemp("templates")
    (root / "lyrebird").symlink_to(ROOT)
    return root


@pytest.mark.parametrize("kind, language", KINDS)
def test_each_template_builds_and_passes_its_own_test_as_it_stands(template_copies, kind, language):
    folder = template_copies / f"{language}-{kind}"
    # A copy, so that no build output lands in the checkout; copytree follows the links to common/.
    shutil.copytree(TEMPLATES / f"{language}-{kind}", folder)
    if language == "c":
        # `plugins init` adds the header from the checkout a kit builds against: templates keep none.
        (folder / "include").mkdir()
        shutil.copy(ROOT / "Sources/PluginAPI/C/include/lyrebird_plugin.h", folder / "include")
    scratch = ["--scratch-path", str(template_copies / "swift-build")] if language == "swift" else []
    print(f"template {language} {kind} built and tested in {build_and_test(folder, language, scratch)} seconds")


def test_no_template_spelling_is_left_in_a_kit(kits):
    for folder, _ in kits.values():
        for file in folder.rglob("*"):
            path = file.relative_to(folder)
            if ".build" in path.parts or not file.is_file() or file.suffix == ".so":
                continue
            text = str(path) + "\n" + file.read_text()
            assert [spelling for spelling in TEMPLATE_SPELLINGS if spelling in text] == [], file


def test_a_swift_kit_names_lyrebird_after_the_checkouts_folder(kits):
    manifest = (kits[("provider", "swift")][0] / "Package.swift").read_text()
    assert f'.package(path: "{ROOT}")' in manifest
    assert f'package: "{ROOT.name}"' in manifest


@pytest.mark.parametrize("language", ["c", "swift"])
def test_a_provider_kit_answers_through_lyrebird_serve(kits, language):
    folder, lib = kits[("provider", language)]
    server = Server(["--no-default-plugins", "--plugin", str(lib), "--config", str(folder / "fixtures.yaml")])
    try:
        name = f"kit-{language}-provider"
        whole = httpx.post(f"{server.url}/{name}/v1/generate", json={"model": "demo", "prompt": "hello"})
        assert whole.status_code == 200
        assert whole.json()["text"] == f"Hello from {name}!"
        with httpx.stream("POST", f"{server.url}/{name}/v1/generate", json={"model": "demo", "prompt": "hello", "stream": True}) as stream:
            body = stream.read().decode()
            assert stream.headers[f"{name}-request-id"] == stream.headers["x-request-id"]
        texts = [json.loads(line[6:])["text"] for line in body.splitlines() if line.startswith("data: ") and '"text"' in line]
        assert "".join(texts) == f"Hello from {name}!"
        assert "event: done" in body
        listing = json.loads(run_lyrebird("plugins", "--json", "--no-default-plugins", "--plugin", str(lib)).stdout)
        routes = listing["plugins"][0]["providers"][0]["routes"]
        assert [(r["method"], r["path"], r["answered_by"]) for r in routes] == [
            ("POST", f"/{name}/v1/generate", "fixtures"),
            ("GET", f"/{name}/v1/models/{{model}}", "provider"),
        ]
        compiler = listing["plugins"][0]["swift_compiler"]
        assert (compiler is None) == (language == "c")
        entries = httpx.get(server.url + "/journal").json()["data"]
        assert {entry["plugin"] for entry in entries} == {name}
    finally:
        assert server.stop() == 0


@pytest.mark.parametrize("language", ["c", "swift"])
def test_a_responder_kit_answers_through_lyrebird_serve(kits, language):
    folder, lib = kits[("responder", language)]
    server = Server(["--no-default-plugins", "--plugin", str(lib), "--config", str(folder / "fixtures.yaml")])
    try:
        client = openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=0)
        reply = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "good morning"}])
        expected = "You said: good morning" if language == "c" else "GOOD MORNING"
        assert reply.choices[0].message.content == expected
    finally:
        assert server.stop() == 0


def test_init_refuses_what_it_cannot_write(tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "file").write_text("x")
    cases = [
        (["plugins", "init", str(tmp_path / "taken"), "--kind", "provider", "--language", "c"], "is not empty"),
        (["plugins", "init", str(tmp_path / "Bad_Name"), "--kind", "provider", "--language", "c"], "cannot name a plugin"),
        (
            ["plugins", "init", str(tmp_path / "c-url"), "--kind", "responder", "--language", "c",
             "--lyrebird-url", "https://example.invalid/lyrebird.git", "--from", "1.0.0"],
            "give --lyrebird-path",
        ),
        (["plugins", "init", str(tmp_path / "half"), "--kind", "responder", "--language", "swift", "--from", "1.0.0"], "go together"),
    ]
    for args, message in cases:
        result = run_lyrebird(*args)
        assert result.returncode != 0, args
        assert message in result.stderr, result.stderr


def test_a_swift_kit_can_depend_on_a_released_lyrebird_by_url(tmp_path):
    result = run_lyrebird(
        "plugins", "init", str(tmp_path / "by-url"), "--kind", "responder", "--language", "swift",
        "--lyrebird-url", "https://git.example.invalid/tools/lyrebird-server.git", "--from", "1.2.0",
    )
    assert result.returncode == 0, result.stderr
    manifest = (tmp_path / "by-url" / "Package.swift").read_text()
    assert '.package(url: "https://git.example.invalid/tools/lyrebird-server.git", from: "1.2.0")' in manifest
    assert 'package: "lyrebird-server"' in manifest
