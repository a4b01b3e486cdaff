"""A fleet: two real Lyrebird hosts on one PostgreSQL database share their run-time fixtures,
their journal, their sequence turns, their Lua store values and their stored Responses. The database is the one .ci/run starts, or a private
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
        "  - name: counter\n"
        "    match: {user: count}\n"
        "    reply:\n"
        "      lua_inline: |\n"
        "        function respond(req)\n"
        "          return 'count ' .. lyrebird.store.increment('calls', 1, 'api_key')\n"
        "        end\n"
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
    # A host's read writes what it has waiting first; the other host's batch lands within 100 ms.
    for host in fleet:
        started = time.monotonic()
        while httpx.get(host.url + "/_lyrebird/journal", params={"context": "journal"}).json()["total"] != 2:
            assert time.monotonic() - started < 2, "an entry of the other host never reached the journal"
            time.sleep(0.05)


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


def test_lua_store_values_are_one_for_the_fleet(fleet):
    def ask(index):
        return say(fleet[index % 2], "count")

    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(ask, range(12)))
    # Every increment counted once, whichever host ran it.
    assert sorted(int(answer.split()[1]) for answer in answers) == list(range(1, 13))
    assert say(fleet[1], "count") == "count 13"


def test_a_response_stored_by_one_host_is_read_and_continued_at_the_other(fleet):
    first, second = fleet
    clients = [openai.OpenAI(base_url=host.base_url, api_key="sk-fleet", max_retries=0) for host in fleet]
    created = clients[0].responses.create(model="gpt-4o", input="remember the fleet")
    time.sleep(0.3)  # stored responses are written with the journal's batches, every 100 ms
    assert clients[1].responses.retrieve(created.id).output_text == created.output_text
    items = clients[1].responses.input_items.list(created.id)
    assert [item.content[0].text for item in items.data] == ["remember the fleet"]
    continued = clients[1].responses.create(model="gpt-4o", input="and now?", previous_response_id=created.id)
    time.sleep(0.3)
    later = clients[0].responses.input_items.list(continued.id, order="asc").data
    messages = [item.content[0].text for item in later if item.type == "message" and item.role == "user"]
    assert messages == ["remember the fleet", "and now?"]
    clients[0].responses.delete(created.id)
    # The other host read it into memory, yet reads the store again and finds it gone.
    with pytest.raises(openai.NotFoundError):
        clients[1].responses.retrieve(created.id)
    with pytest.raises(openai.NotFoundError):
        clients[1].responses.delete(created.id)
