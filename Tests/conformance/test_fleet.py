"""A fleet: two real Lyrebird hosts on one PostgreSQL database share their run-time fixtures,
their journal and their sequence turns. The database is the one .ci/run starts, or a private
cluster (conftest.PostgresCluster)."""

import concurrent.futures
import time

import httpx
import openai
import pytest

from conftest import Server


@pytest.fixture()
def fleet(postgres, tmp_path, request):
    url = postgres.url("fleet_" + request.node.name.lower()[:40])
    config = tmp_path / "fleet.yaml"
    config.write_text(
        "fixtures:\n"
        "  - name: turns\n"
        "    match: {user: next}\n"
        "    replies: [{content: '1'}, {content: '2'}, {content: '3'}, {content: '4'}, {content: '5'}, {content: '6'}]\n"
        "    after_last: fall_through\n"
    )
    hosts = [Server(["--config", str(config), "--store", url]) for _ in range(2)]
    yield hosts
    for host in hosts:
        host.stop()


def say(host, text, context=None):
    headers = {"x-lyrebird-context": context} if context else {}
    client = openai.OpenAI(base_url=host.base_url, api_key="sk-fleet", max_retries=0, default_headers=headers)
    return client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": text}]).choices[0].message.content


def test_a_fixture_created_through_one_host_answers_at_the_other(fleet):
    first, second = fleet
    created = httpx.post(first.url + "/_lyrebird/fixtures", json={"name": "shared", "match": {"user": "shared"}, "reply": {"content": "From the fleet."}})
    assert created.status_code == 201
    started = time.monotonic()
    while say(second, "shared?") != "From the fleet.":
        assert time.monotonic() - started < 5, "the other host never served the fixture"
        time.sleep(0.1)
    # Within a second, as the store's change check runs every half second.
    assert time.monotonic() - started < 2
    assert [fixture["id"] for fixture in httpx.get(second.url + "/_lyrebird/fixtures").json()["fixtures"] if fixture["origin"] == "runtime"] == ["shared"]
    assert httpx.delete(second.url + "/_lyrebird/fixtures/shared").status_code == 200
    started = time.monotonic()
    while say(first, "shared?") == "From the fleet.":
        assert time.monotonic() - started < 5, "the deletion never reached the first host"
        time.sleep(0.1)


def test_the_journal_is_one_for_the_fleet(fleet):
    first, second = fleet
    say(first, "hello from the first", context="journal")
    say(second, "hello from the second", context="journal")
    for host in fleet:
        entries = httpx.get(host.url + "/_lyrebird/journal", params={"context": "journal"}).json()
        assert entries["total"] == 2


def test_sequence_turns_never_double_count_across_hosts(fleet):
    first, second = fleet

    def ask(index):
        return say(fleet[index % 2], "next", context="shared-turns")

    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(ask, range(6)))
    assert sorted(answers) == ["1", "2", "3", "4", "5", "6"]
    # The sequence falls through on both hosts once its six turns are taken.
    assert say(first, "next", context="shared-turns") == "This is a mock response from Lyrebird."
    assert say(second, "next", context="shared-turns") == "This is a mock response from Lyrebird."
    hits = httpx.get(second.url + "/_lyrebird/fixtures/turns").json()
    assert hits["hits"] == 6 and hits["hits_by_context"] == {"shared-turns": 6}
    reset = httpx.post(first.url + "/_lyrebird/sequences/reset", json={"context": "shared-turns"})
    assert reset.json()["contexts_reset"] == 1
    assert say(second, "next", context="shared-turns") == "1"
