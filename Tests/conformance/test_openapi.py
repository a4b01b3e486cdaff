"""GET /_lyrebird/openapi.json: an OpenAPI 3.1 document of every route the host serves. It must
be valid, list every route of the default plugins, and every operation in it must be answered by
the route it names: each is called, and the journal says which provider took the request."""

import json
import re
import urllib.parse

import httpx
import pytest
from openapi_spec_validator import validate

from conftest import Server, run_lyrebird

# Routes whose own answer to a plausible request is a 404: Gemini's catch-all for a model method
# no other route names (`models/{model}:foo`, and so `models/{model}` posted to), which Google
# answers with a 404 as well. The journal must still show the route took the request.
OWN_404 = {("google.gemini", "models.unknownMethod")}

PREFIX = "x-lyrebird-"


@pytest.fixture(scope="module")
def server():
    server = Server([])
    yield server
    server.stop()


@pytest.fixture(scope="module")
def document(server):
    response = httpx.get(server.url + "/_lyrebird/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def routes_of(operation):
    """The routes an operation holds: its own facts, then each alternative's, unprefixed."""
    own = {key[len(PREFIX) :]: value for key, value in operation.items() if key.startswith(PREFIX) and key != PREFIX + "alternatives"}
    return [own, *operation.get(PREFIX + "alternatives", [])]


def shape(path):
    return re.sub(r"\{[^}]*\}", "{}", path.rstrip("/") or "/")


def test_the_document_is_valid_openapi_3_1(server, document):
    assert document["openapi"] == "3.1.0"
    validate(document)
    ids = [operation["operationId"] for _, _, operation in operations(document)]
    assert len(ids) == len(set(ids))
    assert document["info"]["version"] == httpx.get(server.url + "/health").json()["version"]
    # OpenAPI counts templates that differ only in parameter names as one path.
    shapes = [shape(path) for path in document["paths"]]
    assert len(shapes) == len(set(shapes))


def test_the_document_is_written_once(server, document):
    again = httpx.get(server.url + "/_lyrebird/openapi.json")
    assert again.json() == document


def test_every_route_of_the_default_plugins_is_listed(document):
    listing = json.loads(run_lyrebird("plugins", "--json").stdout)
    plugins = {plugin["name"] for plugin in listing["plugins"]}
    assert len(plugins) == 4
    by_shape = {shape(path): item for path, item in document["paths"].items()}
    for plugin in listing["plugins"]:
        for provider in plugin["providers"]:
            for route in provider["routes"]:
                operation = by_shape.get(shape(route["path"]), {}).get(route["method"].lower())
                assert operation is not None, f"{route['method']} {route['path']} is missing"
                wanted = {
                    "provider": provider["name"],
                    "plugin": plugin["name"],
                    "operation": route["operation"],
                    "transports": sorted(route["transports"]),
                    "answered-by": route["answered_by"],
                    "only-with": route.get("only_with"),
                }
                held = [{key: facts.get(key) for key in wanted} for facts in routes_of(operation)]
                assert wanted in held, f"{route['method']} {route['path']}: {held}"
                assert provider["name"] in operation["tags"]


def test_the_admin_endpoints_are_listed(document):
    admin = {(method, path) for path, method, operation in operations(document) if operation["tags"] == ["admin"]}
    assert admin == {
        ("get", "/health"),
        ("get", "/fixtures"),
        ("post", "/fixtures"),
        ("delete", "/fixtures/{id}"),
        ("get", "/journal"),
        ("get", "/_lyrebird/fixtures"),
        ("post", "/_lyrebird/fixtures"),
        ("get", "/_lyrebird/fixtures/{id}"),
        ("put", "/_lyrebird/fixtures/{id}"),
        ("delete", "/_lyrebird/fixtures/{id}"),
        ("post", "/_lyrebird/fixtures/order"),
        ("post", "/_lyrebird/sequences/reset"),
        ("get", "/_lyrebird/journal"),
        ("delete", "/_lyrebird/journal"),
        ("get", "/_lyrebird/verify/fixtures/{id}"),
        ("get", "/_lyrebird/verify/unmatched"),
        ("post", "/_lyrebird/verify/calls"),
        ("get", "/_lyrebird/openapi.json"),
        ("get", "/_lyrebird/clock"),
        ("post", "/_lyrebird/clock"),
        ("get", "/analytics/usage"),
        ("get", "/analytics/summary"),
        ("get", "/_lyrebird/verdicts"),
        ("get", "/metrics"),
        ("get", "/_lyrebird/faults"),
        ("get", "/_lyrebird/faults/{context}"),
        ("put", "/_lyrebird/faults/{context}"),
        ("delete", "/_lyrebird/faults/{context}"),
        ("get", "/_lyrebird/ui"),
        ("get", "/_lyrebird/ui/{file}"),
        ("get", "/_lyrebird/journal/stream"),
        ("get", "/_lyrebird/quotas"),
    }


class Caller:
    """Fills an operation's path and sends it a minimal request."""

    def __init__(self, url):
        self.url = url
        self.fixtures = 0

    def fixture(self):
        self.fixtures += 1
        name = f"openapi-{self.fixtures}"
        created = httpx.post(self.url + "/fixtures", json={"name": name, "match": {"user": "never sent"}, "reply": {"content": "x"}})
        assert created.status_code == 201
        return name

    def stored_response(self):
        created = httpx.post(self.url + "/v1/responses", json={"model": "gpt-4o", "input": "hi"})
        assert created.status_code == 200
        return created.json()["id"]

    def value(self, name, provider):
        if name == "id":
            return self.fixture()
        if name == "response_id":
            return self.stored_response()
        if name == "context":
            # A context with a profile, so that reading and deleting it find one.
            assert httpx.put(self.url + "/_lyrebird/faults/openapi", json={"seed": 1}).status_code == 200
            return "openapi"
        if name == "file":
            return "app.js"
        if name == "deployment":
            return "my-deployment"
        if provider == "google.gemini":
            return "gemini-2.5-flash"
        if provider == "aws.bedrock" or name == "modelId":
            return "amazon.nova-lite-v1:0"
        return "gpt-4o"

    def body(self, path, method, operation):
        if "requestBody" not in operation:
            return None
        if (method, path) == ("post", "/fixtures"):
            return {"name": f"openapi-added-{self.fixtures}", "reply": {"content": "x"}}
        return {}

    def call(self, path, method, operation, facts):
        provider = facts.get("provider")
        target = re.sub(
            r"\{([^}]*)\}",
            lambda match: urllib.parse.quote(self.value(match.group(1), provider), safe=""),
            path,
        )
        headers, params = {}, {}
        for condition in (facts.get("only-with") or [])[:1]:
            if "header" in condition:
                headers[condition["header"]] = "test-key"
            else:
                params[condition["query"]] = "test-key"
        if path.endswith("/stream"):
            # A live stream: its first event is the answer.
            with httpx.stream(method.upper(), self.url + target, timeout=10) as response:
                next(response.iter_bytes())
                return response
        return httpx.request(
            method.upper(), self.url + target, headers=headers, params=params, json=self.body(path, method, operation), timeout=10
        )


def test_every_operation_is_answered_by_its_route(server, document):
    caller = Caller(server.url)
    sent = []  # (request id, where, provider, operation, status)
    for path, method, operation in operations(document):
        for facts in routes_of(operation):
            where = f"{method.upper()} {path} ({facts.get('provider') or 'admin'})"
            if facts.get("transports") == ["websocket"]:
                # Listed, and reached: a plain request to a WebSocket-only route gets a 426.
                assert operation["responses"].get("101") is not None, where
                assert caller.call(path, method, operation, facts).status_code == 426, where
                continue
            response = caller.call(path, method, operation, facts)
            assert response.status_code != 405, f"{where}: {response.status_code} {response.text}"
            assert response.status_code < 500, f"{where}: {response.status_code} {response.text}"
            if facts.get("provider"):
                sent.append((response.headers["x-request-id"], where, facts["provider"], facts["operation"], response.status_code))
            else:
                assert response.status_code != 404, f"{where}: {response.text}"
    journal = {entry["request_id"]: entry for entry in httpx.get(server.url + "/journal").json()["data"]}
    for request_id, where, provider, operation, status in sent:
        entry = journal[request_id]
        assert entry["provider"] == provider, where
        # A request its provider could not decode (the minimal body) is journaled without one.
        assert entry["operation"] in (operation, None), where
        if status == 404:
            assert (provider, operation) in OWN_404, f"{where}: 404"
