"""Regular expressions with word boundaries, Unicode general categories and inline flags, in a
fixture file served by the real binary and asked with the `openai` client. What each pattern
should match is what Python's `regex` package says, with version 1 flags (scoped as RE2 and
Lyrebird read them) and ASCII word characters, so the differences between the engines that the
docs state (`.`, `$` and `\\s` are ECMA-262's) are kept out of the texts."""

import json

import httpx
import openai
import pytest
import regex

from conftest import Server

# (pattern, texts, whether Python reads it in Unicode mode rather than ASCII's: `regex` needs it for
# `\p{...}` and for case folding past ASCII; the texts keep Unicode's `\d` and `\w` to ASCII there).
CASES = [
    (r"\bcat\b", ["the cat sat", "concatenate", "cat", "cats", "a cat.", "cat_"], False),
    (r"\Bcat\B", ["concatenate", "cat", "bobcats"], False),
    (r"\b\d+\b", ["abc 123 def", "abc123"], False),
    (r"^\w+\b-\b\w+$", ["well-known", "well- known"], False),
    (r"é\b", ["éa", "é "], False),
    (r"[\b]", ["a\bb", "b"], False),
    (r"^\p{Lu}\p{Ll}+$", ["École", "école", "ÉCOLE"], True),
    (r"^[\p{L}\d_]+$", ["héllo_1", "a-b"], True),
    (r"^[^\p{N}]+$", ["abc", "a½"], True),
    (r"\P{L}", ["abc", "ab1"], True),
    (r"^\p{gc=Nd}+$", ["٣7", "½"], True),
    (r"^\p{Letter}+\p{Punctuation}$", ["Ωμέγα!", "Ωμέγα"], True),
    (r"\p{Sc}\d", ["costs €5", "costs 5"], True),
    (r"^\p{Zs}$", [" ", "\u3000", "x"], True),
    (r"\p{M}", ["e\u0301", "e"], True),
    (r"(?i)hello", ["HeLLo there", "help"], False),
    (r"hello (?i)world", ["hello WORLD", "HELLO world"], False),
    (r"(?i:b)c", ["Bc", "BC"], False),
    (r"(?i)a(?-i)b", ["Ab", "AB"], False),
    (r"^(?:x(?i)y|z)$", ["Z", "xY", "X"], False),
    (r"(?i)[^a]", ["A", "b"], False),
    (r"(?s)a.b", ["a\nb", "ab"], False),
    (r"a.b", ["a\nb", "a b"], False),
    (r"(?m)^ok$", ["first\nok\nlast", "not ok"], False),
    (r"^ok$", ["first\nok\nlast", "ok"], False),
    (r"(?im)^abc$", ["x\nABC\ny", "xabc"], False),
    (r"(?i)é", ["É", "e"], True),
    (r"(?i)σ", ["Σ", "s"], True),
    (r"(?i)\p{Lu}", ["a", "1"], True),
]

FIXTURES = [
    {"name": f"rx{index}", "match": {"model": f"rx-{index}", "user": {"regex": pattern}}, "reply": {"content": f"rx{index}"}}
    for index, (pattern, _, _) in enumerate(CASES)
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    config = tmp_path_factory.mktemp("regex") / "fixtures.json"
    config.write_text(json.dumps({"settings": {"default_reply": "no match"}, "fixtures": FIXTURES}))
    running = Server(["--config", str(config)])
    yield running
    running.stop()


@pytest.fixture(scope="module")
def client(server):
    return openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)


def python_matches(pattern, text, unicode):
    flags = regex.VERSION1 | (0 if unicode else regex.ASCII)
    return regex.search(pattern, text, flags) is not None


@pytest.mark.parametrize("index", range(len(CASES)))
def test_fixture_regexes_match_as_python_regex_does(client, index):
    pattern, texts, unicode = CASES[index]
    for text in texts:
        reply = client.chat.completions.create(model=f"rx-{index}", messages=[{"role": "user", "content": text}])
        matched = reply.choices[0].message.content == f"rx{index}"
        assert matched == python_matches(pattern, text, unicode), f"{pattern!r} on {text!r}"


@pytest.mark.parametrize(
    "pattern, reason",
    [
        (r"(\w+) \1", "back-references"),
        (r"(?<n>\w+) \k<n>", "back-references"),
        (r"(?=ab)a", "look-ahead"),
        (r"a(?!b)", "look-ahead"),
        (r"(?<=a)b", "look-behind"),
        (r"(?<!a)b", "look-behind"),
    ],
)
def test_what_needs_backtracking_is_refused_saying_why(server, pattern, reason):
    fixture = {"name": "refused", "match": {"user": {"regex": pattern}}, "reply": {"content": "x"}}
    answer = httpx.post(server.url + "/fixtures", json=fixture)
    assert answer.status_code == 400
    message = answer.json()["error"]["message"]
    assert "invalid regular expression" in message and reason in message and "backtracking engine" in message


@pytest.mark.parametrize(
    "pattern, reason",
    [(r"\p{Script=Latin}", "scripts"), (r"\p{Latin}", "not a general category"), ("(?x)a", "inline flag x")],
)
def test_what_is_not_read_is_refused_saying_why(server, pattern, reason):
    fixture = {"name": "refused", "match": {"user": {"regex": pattern}}, "reply": {"content": "x"}}
    answer = httpx.post(server.url + "/fixtures", json=fixture)
    assert answer.status_code == 400 and reason in answer.json()["error"]["message"]


def test_a_long_text_against_nested_repeats_with_boundaries_gets_its_answer(server):
    fixture = {"name": "words", "match": {"model": "words", "user": {"regex": r"^(\b\w+\b\s*)*$"}}, "reply": {"content": "words"}}
    assert httpx.post(server.url + "/fixtures", json=fixture).status_code in (200, 201)
    body = {"model": "words", "messages": [{"role": "user", "content": "word " * 50_000 + "!"}]}
    answer = httpx.post(server.base_url + "/chat/completions", json=body, timeout=60)
    assert answer.json()["choices"][0]["message"]["content"] == "no match"
    body["messages"][0]["content"] = "word " * 50_000
    answer = httpx.post(server.base_url + "/chat/completions", json=body, timeout=60)
    assert answer.json()["choices"][0]["message"]["content"] == "words"


def test_schema_patterns_with_the_new_syntax_generate_matching_documents(client, server):
    # Each with whether Python reads it in Unicode mode, as in CASES.
    patterns = {
        "name": (r"^\p{Lu}\p{Ll}+$", True),
        "code": (r"(?i)^[a-f]{4}\b", False),
        "word": (r"\bid\b", False),
        "lines": (r"(?m)^ok$\n^done$", False),
        "other": (r"^\P{L}{3}$", True),
    }
    schema = {
        "type": "object",
        "required": sorted(patterns),
        "additionalProperties": False,
        "properties": {name: {"type": "string", "pattern": pattern} for name, (pattern, _) in patterns.items()},
    }
    response_format = {"type": "json_schema", "json_schema": {"name": "patterns", "schema": schema, "strict": True}}
    for prompt in ["one", "two", "three"]:
        content = client.chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": prompt}], response_format=response_format
        ).choices[0].message.content
        document = json.loads(content)
        for name, (pattern, unicode) in patterns.items():
            assert python_matches(pattern, document[name], unicode), f"{name}: {document[name]!r}"
        assert not httpx.get(server.url + "/journal").json()["data"][-1].get("warnings")
