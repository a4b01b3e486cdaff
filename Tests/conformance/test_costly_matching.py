"""Fixture conditions that used to cost the host more than linear work in the request's text:
each hostile request gets its normal answer while the server keeps answering `/health`."""

import json

import pytest

from conftest import Server, send_beside_health

FUZZY_VALUE = "what is the capital of france and please describe its history, culture, and notable landmarks " * 2
FIXTURES = [
    {"name": "capital", "match": {"user": {"fuzzy": FUZZY_VALUE, "threshold": 0.8}}, "reply": {"content": "Paris"}},
    *[
        {"name": f"retry{i}", "match": {"user": {"glob": f"*error*retry{i}*"}}, "reply": {"content": f"retrying {i}"}}
        for i in range(5)
    ],
    {"name": "nested", "match": {"user": {"regex": "(?i)^(a+)+b$"}}, "reply": {"content": "nested"}},
    *[{"name": f"hello{i}", "match": {"user": f"hello{i}"}, "reply": {"content": "hi"}} for i in range(20)],
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    config = tmp_path_factory.mktemp("costly") / "fixtures.json"
    config.write_text(json.dumps({"settings": {"strict": True}, "fixtures": FIXTURES}))
    running = Server(["--config", str(config)])
    yield running
    running.stop()


def chat(server, text):
    body = {"model": "gpt-4o", "messages": [{"role": "user", "content": text}]}
    return send_beside_health(server, "/v1/chat/completions", body)


def test_a_long_text_near_no_fixture_is_explained(server):
    # Every fixture's closeness to 1 MB of text, each compared with its value.
    response = chat(server, "abcd " * 200_000)
    assert response.status_code == 404
    assert "Closest: fixture" in response.json()["error"]["message"]


def test_a_long_text_fails_a_fuzzy_fixture_on_its_length(server):
    response = chat(server, FUZZY_VALUE * 5_000)
    assert response.status_code == 404


def test_a_text_close_to_a_fuzzy_fixture_matches(server):
    response = chat(server, FUZZY_VALUE.upper().replace("france", "frnce"))
    assert response.json()["choices"][0]["message"]["content"] == "Paris"


def test_globs_with_many_places_to_start_are_matched_in_one_pass(server):
    assert chat(server, "error " * 100_000).status_code == 404
    response = chat(server, "error " * 100_000 + "RETRY3")
    assert response.json()["choices"][0]["message"]["content"] == "retrying 3"


def test_a_regex_with_nested_repeats_does_not_backtrack(server):
    assert chat(server, "A" * 200_000).status_code == 404
    assert chat(server, "A" * 200_000 + "b").json()["choices"][0]["message"]["content"] == "nested"


def test_a_regex_that_needs_backtracking_is_refused_with_its_fixtures_name(server):
    import httpx

    fixture = {"name": "echo", "match": {"user": {"regex": "(\\w+) \\1"}}, "reply": {"content": "x"}}
    rejected = httpx.post(server.url + "/fixtures", json=fixture)
    assert rejected.status_code == 400
    message = rejected.json()["error"]["message"]
    assert "echo" in message and "invalid regular expression" in message and "back-references" in message


def test_nested_contains_needles_cost_one_pass(tmp_path):
    # Each of "a", "aa", ... ends at every character of a run of "a"s.
    fixtures = [{"match": {"user": {"contains": "a" * i}}, "reply": {"content": str(i)}} for i in range(300, 0, -1)]
    config = tmp_path / "nested.json"
    config.write_text(json.dumps({"fixtures": fixtures}))
    server = Server(["--config", str(config)])
    try:
        assert chat(server, "a" * 1_000_000).json()["choices"][0]["message"]["content"] == "300"
        assert chat(server, "a" * 1_000_000 + "b" + "a" * 7).json()["choices"][0]["message"]["content"] == "300"
    finally:
        server.stop()
