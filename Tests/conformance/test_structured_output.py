"""Structured output: documents generated for JSON schemas, checked by Python's `jsonschema` and
parsed by the official SDK's Pydantic helpers; fixed text that does not match is sent and reported."""

import datetime
import enum
import json
import re
import threading
import uuid
from typing import List, Literal, Optional, Union

import httpx
import jsonschema
import openai
import pydantic
import pytest
from openai.lib._pydantic import to_strict_json_schema

from conftest import FIXTURES, Server


class Color(str, enum.Enum):
    red = "red"
    green = "green"


class Address(pydantic.BaseModel):
    street: str
    city: str
    zip_code: str = pydantic.Field(pattern=r"^\d{5}$")


class Node(pydantic.BaseModel):
    value: int
    children: List["Node"]
    next: Optional["Node"] = None


class Cat(pydantic.BaseModel):
    kind: Literal["cat"]
    lives: int = pydantic.Field(ge=1, le=9)


class Dog(pydantic.BaseModel):
    kind: Literal["dog"]
    good: bool


class Person(pydantic.BaseModel):
    name: str
    age: int = pydantic.Field(ge=0, le=130)
    email: Optional[str] = None
    born: datetime.date
    updated: datetime.datetime
    id: uuid.UUID
    color: Color
    tags: List[str] = pydantic.Field(min_length=1, max_length=3)
    address: Address
    pet: Union[Cat, Dog] = pydantic.Field(discriminator="kind")
    family: List[Node]
    score: float = pydantic.Field(gt=0, lt=1)
    code: str = pydantic.Field(pattern=r"^[A-Z]{2}-\d{3}$")


HAND_WRITTEN = {
    "formats": {
        "type": "object",
        "properties": {
            name: {"type": "string", "format": name}
            for name in ["date-time", "date", "time", "duration", "email", "hostname", "ipv4", "ipv6", "uri", "uri-reference", "uuid"]
        },
    },
    "enums-and-consts": {
        "type": "object",
        "properties": {
            "level": {"enum": ["low", "medium", "high"]},
            "mixed": {"enum": [1, "one", None, {"n": 1}]},
            "version": {"const": 2},
        },
        "required": ["level", "mixed", "version"],
    },
    "nested-arrays-of-objects": {
        "type": "object",
        "required": ["orders"],
        "properties": {
            "orders": {
                "type": "array",
                "minItems": 2,
                "items": {
                    "type": "object",
                    "required": ["id", "lines"],
                    "additionalProperties": False,
                    "properties": {
                        "id": {"type": "string", "pattern": "^ORD-[0-9]{4}$"},
                        "lines": {
                            "type": "array",
                            "minItems": 1,
                            "maxItems": 3,
                            "uniqueItems": True,
                            "items": {
                                "type": "object",
                                "required": ["sku", "quantity", "price"],
                                "properties": {
                                    "sku": {"type": "string"},
                                    "quantity": {"type": "integer", "minimum": 1, "maximum": 10},
                                    "price": {"type": "number", "exclusiveMinimum": 0, "multipleOf": 0.01},
                                },
                            },
                        },
                    },
                },
            }
        },
    },
    "combinators": {
        "type": "object",
        "properties": {
            "merged": {
                "allOf": [
                    {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]},
                    {"properties": {"b": {"type": "string", "minLength": 4}}, "required": ["b"]},
                ]
            },
            "exactly-one": {"oneOf": [{"type": "integer", "multipleOf": 2}, {"type": "integer", "multipleOf": 3}]},
            "maybe": {"type": ["string", "null"], "maxLength": 5},
            "either": {"anyOf": [{"type": "boolean"}, {"type": "array", "items": {"type": "integer"}}]},
        },
    },
    "numbers": {
        "type": "object",
        "properties": {
            "tenths": {"type": "number", "multipleOf": 0.1, "minimum": 0, "maximum": 1},
            "odd-step": {"type": "integer", "multipleOf": 7, "exclusiveMinimum": 100},
            "tiny": {"type": "number", "exclusiveMinimum": 0.5, "exclusiveMaximum": 0.50001},
            "negative": {"type": "integer", "maximum": -1000},
        },
    },
    "tuples-and-maps": {
        "type": "object",
        "properties": {
            "point": {"type": "array", "prefixItems": [{"type": "number"}, {"type": "number"}], "items": False},
            "headers": {
                "type": "object",
                "minProperties": 2,
                "patternProperties": {"^x-[a-z]+$": {"type": "string"}},
                "additionalProperties": False,
            },
        },
        "required": ["point", "headers"],
    },
    "definitions-linked-list": {
        "$ref": "#/definitions/Item",
        "definitions": {
            "Item": {
                "type": "object",
                "required": ["label", "next"],
                "properties": {"label": {"type": "string"}, "next": {"anyOf": [{"$ref": "#/definitions/Item"}, {"type": "null"}]}},
            }
        },
    },
    "root-recursion": {
        "type": "object",
        "required": ["name", "children"],
        "properties": {"name": {"type": "string"}, "children": {"type": "array", "items": {"$ref": "#"}}},
    },
}

SCHEMAS = {
    "pydantic-person": to_strict_json_schema(Person),
    "pydantic-node": to_strict_json_schema(Node),
    **HAND_WRITTEN,
}


@pytest.fixture(scope="module")
def server():
    server = Server(["--config", str(FIXTURES / "structured.yaml")])
    yield server
    server.stop()


@pytest.fixture(scope="module")
def client(server):
    return openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)


def json_schema_format(name, schema):
    return {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": True}}


def ask(client, text, response_format, **kwargs):
    return client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": text}], response_format=response_format, **kwargs
    )


def last_journal_entry(server):
    return httpx.get(server.url + "/journal").json()["data"][-1]


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_generated_documents_are_valid_for_jsonschema(client, name):
    schema = SCHEMAS[name]
    checker = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    documents = set()
    for prompt in ["first prompt", "second prompt", "a third one", "and a fourth"]:
        content = ask(client, prompt, json_schema_format(name, schema)).choices[0].message.content
        checker.validate(json.loads(content))
        documents.add(content)
        again = ask(client, prompt, json_schema_format(name, schema)).choices[0].message.content
        assert again == content, "the same schema and prompt give the same document"
    assert len(documents) > 1, "different prompts give different documents"


def test_a_draft_04_schema_is_read_too(client):
    schema = {
        "type": "object",
        "required": ["ratio", "items"],
        "properties": {
            "ratio": {"type": "number", "minimum": 0, "exclusiveMinimum": True, "maximum": 1, "exclusiveMaximum": True},
            "items": {"type": "array", "items": [{"type": "string"}, {"type": "integer"}], "additionalItems": False},
        },
    }
    content = ask(client, "draft four", json_schema_format("old", schema)).choices[0].message.content
    jsonschema.Draft4Validator(schema).validate(json.loads(content))


def test_parse_with_a_pydantic_model_and_no_matching_fixture(client, server):
    completion = client.chat.completions.parse(
        model="gpt-4o", messages=[{"role": "user", "content": "tell me about someone"}], response_format=Person
    )
    person = completion.choices[0].message.parsed
    assert isinstance(person, Person)
    assert 0 < person.score < 1 and person.address.zip_code.isdigit()
    assert last_journal_entry(server)["source"] == "default"


def test_parse_with_a_fixture_without_content(client, server):
    completion = client.chat.completions.parse(
        model="gpt-4o", messages=[{"role": "user", "content": "extract the address"}], response_format=Address
    )
    assert isinstance(completion.choices[0].message.parsed, Address)
    entry = last_journal_entry(server)
    assert entry["source"] == "extract" and entry["warnings"] == []


def test_stream_helper_parses_the_streamed_document(client):
    with client.chat.completions.stream(
        model="gpt-4o", messages=[{"role": "user", "content": "extract a node"}], response_format=Node
    ) as stream:
        deltas = [event for event in stream if event.type == "content.delta"]
        final = stream.get_final_completion()
    assert len(deltas) > 1, "the document arrives in pieces like any text"
    assert isinstance(final.choices[0].message.parsed, Node)


def test_fixed_content_that_does_not_match_is_sent_and_reported(client, server):
    content = ask(client, "wrong shape", json_schema_format("Address", to_strict_json_schema(Address))).choices[0].message.content
    assert content == '{"street": "12 Rue de Rivoli", "city": 75, "zip_code": "7500"}'
    assert last_journal_entry(server)["warnings"] == [
        'the reply text does not match the schema "Address" at /city: expected string, found integer',
        'the reply text does not match the schema "Address" at /zip_code: does not match the pattern "^\\\\d{5}$"',
    ]
    # The SDK's parse() gets the text as sent and fails as it would against the real API.
    with pytest.raises(pydantic.ValidationError):
        client.chat.completions.parse(model="gpt-4o", messages=[{"role": "user", "content": "wrong shape"}], response_format=Address)
    assert len(last_journal_entry(server)["warnings"]) == 2


def test_json_object(client, server):
    content = ask(client, "anything at all", {"type": "json_object"}).choices[0].message.content
    assert json.loads(content) == {"message": "This is a mock response from Lyrebird."}
    assert ask(client, "prose please", {"type": "json_object"}).choices[0].message.content.startswith("Sure")
    assert last_journal_entry(server)["warnings"][0].startswith("the reply text is not JSON, as json_object asks")


@pytest.mark.parametrize(
    "schema, code",
    [
        ({"type": "array", "minItems": 10_000_000}, "schema_too_complex"),
        ({"$ref": "#/$defs/Missing"}, "invalid_json_schema"),
        ({"type": "object", "required": ["self"], "properties": {"self": {"$ref": "#"}}}, "invalid_json_schema"),
        ({"$defs": {"l%d" % i: {"anyOf": [{"$ref": "#/$defs/l%d" % (i - 1)}] * 2} for i in range(1, 40)}
          | {"l0": {"const": 1, "type": "string"}}, "$ref": "#/$defs/l39"}, "schema_too_complex"),
        # Samples of 10,000 characters that keep thousands of the pattern's ~19,000 states live.
        ({"type": "string", "pattern": "(?:a{1000}){19}b", "minLength": 9000}, "schema_too_complex"),
    ],
    ids=["too-many-items", "missing-ref", "no-finite-document", "exponential", "pattern-samples"],
)
def test_schemas_that_cannot_be_served_get_a_400(client, server, schema, code):
    with pytest.raises(openai.BadRequestError) as raised:
        ask(client, "hostile", json_schema_format("hostile", schema), stream=True)
    assert raised.value.code == code
    assert raised.value.body["message"].startswith('Invalid schema for response format "hostile": ')
    assert httpx.get(server.url + "/health").json()["status"] == "healthy"


def test_deep_schemas_do_not_exhaust_the_stack(client):
    schema = {"type": "integer"}
    for _ in range(120):
        schema = {"type": "array", "minItems": 1, "items": schema}
    with pytest.raises(openai.BadRequestError) as raised:
        ask(client, "deep", json_schema_format("deep", schema))
    assert "nest more than 32 levels" in raised.value.message


@pytest.mark.parametrize("pattern", ["^(a*)*$", "^(((a*)*)*)*$"])
@pytest.mark.parametrize("longest", [10_000, 1_000_000_000])
def test_repeats_of_what_may_be_empty_get_a_matching_document(client, server, pattern, longest):
    # These ~300-byte requests used to keep a core busy for minutes, long after the client left.
    schema = {
        "type": "object",
        "properties": {"v": {"type": "string", "pattern": pattern, "minLength": 9000, "maxLength": longest}},
        "required": ["v"],
        "additionalProperties": False,
    }
    content = ask(client.with_options(timeout=60), "nested stars", json_schema_format("stars", schema)).choices[0].message.content
    value = json.loads(content)["v"]
    assert re.fullmatch(pattern.strip("^$"), value) and 9000 <= len(value) <= longest
    assert httpx.get(server.url + "/health").json()["status"] == "healthy"


# Fixed replies whose check used to cost the text's length times the schema's size: seconds to
# minutes of a core from a few hundred kilobytes.
HOSTILE_REPLIES = {
    # ~19,000 pattern states against 40,000 characters.
    "pattern": ({"type": "string", "pattern": "(?:a{1000}){19}b"}, "a" * 40_000, "operations"),
    # 4,000 patterns against each of 10,000 member names.
    "pattern-properties": (
        {"type": "object", "patternProperties": {f"^z{i}$": {"type": "string"} for i in range(4_000)}},
        {f"a{i}": 1 for i in range(10_000)},
        "operations",
    ),
    # 20,000 required names read again for each of 1,000 objects.
    "required": (
        {"type": "array", "items": {"anyOf": [{"required": [f"n{i}" for i in range(20_000)]}, {}]}},
        [{}] * 1_000,
        "operations",
    ),
    # 20,000 items looked up among 50,000 values: hashed, so checked in full.
    "enum": ({"type": "array", "items": {"enum": list(range(50_000))}}, [49_999] * 20_000, None),
    # 310 items of 1,000 values each, compared by hash rather than pair by pair.
    "unique-items": ({"type": "array", "uniqueItems": True}, [[0] * 1_000 + [i] for i in range(310)], None),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_REPLIES))
def test_hostile_fixed_replies_are_sent_and_their_check_is_bounded(client, server, name):
    schema, document, limit = HOSTILE_REPLIES[name]
    text = json.dumps(document)
    replies = []

    def send():
        replies.append(
            ask(client.with_options(timeout=60), f"hostile {name}", json_schema_format(name, schema), extra_body={"mock_response": text})
        )

    sender = threading.Thread(target=send)
    sender.start()
    health = []
    while sender.is_alive():
        health.append(httpx.get(server.url + "/health", timeout=10).json()["status"])
        sender.join(0.05)
    assert replies and replies[0].choices[0].message.content == text
    assert set(health) <= {"healthy"}
    assert httpx.get(server.url + "/health").json()["status"] == "healthy"
    warnings = last_journal_entry(server)["warnings"]
    if limit is None:
        assert warnings == []
    else:
        assert len(warnings) == 1
        assert warnings[0].startswith(f'the reply text could not be checked against the schema "{name}": ')
        assert "more than 10000000 operations" in warnings[0]


def test_long_enums_are_generated_from(client):
    values = list(range(100_000))
    schema = {
        "type": "object",
        "required": ["rows"],
        "additionalProperties": False,
        "properties": {"rows": {"type": "array", "minItems": 500, "maxItems": 500, "items": {"enum": values}}},
    }
    content = ask(client.with_options(timeout=60), "long enum", json_schema_format("long-enum", schema)).choices[0].message.content
    rows = json.loads(content)["rows"]
    assert len(rows) == 500 and all(0 <= row < 100_000 for row in rows)
