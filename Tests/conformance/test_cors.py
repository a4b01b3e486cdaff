"""Web apps call the mock straight from the page: preflights are answered and API responses,
streams included, carry the CORS headers; the admin endpoints are not opened to every origin."""

import httpx
import pytest

from conftest import Server

PAGE = "http://app.example:5173"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    config = tmp_path_factory.mktemp("cors") / "cors.yaml"
    config.write_text("fixtures:\n  - reply: {content: hello from the mock}\n")
    server = Server(["--config", str(config)])
    yield server
    server.stop()


def test_a_preflight_is_answered_for_any_origin_by_default(server):
    response = httpx.options(
        server.base_url + "/chat/completions",
        headers={
            "origin": PAGE,
            "access-control-request-method": "POST",
            "access-control-request-headers": "authorization, content-type, x-stainless-os",
        },
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == PAGE
    assert "POST" in response.headers["access-control-allow-methods"]
    assert response.headers["access-control-allow-headers"] == "authorization, content-type, x-stainless-os"


def test_api_responses_and_streams_carry_the_headers(server):
    body = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
    whole = httpx.post(server.base_url + "/chat/completions", json=body, headers={"origin": PAGE})
    assert whole.headers["access-control-allow-origin"] == PAGE
    assert "x-request-id" in whole.headers["access-control-expose-headers"]
    with httpx.stream(
        "POST", server.base_url + "/chat/completions", json={**body, "stream": True}, headers={"origin": PAGE}
    ) as streamed:
        assert streamed.headers["access-control-allow-origin"] == PAGE
        assert streamed.headers["content-type"] == "text/event-stream"
        assert b"data: [DONE]" in b"".join(streamed.iter_raw())
    without_origin = httpx.post(server.base_url + "/chat/completions", json=body)
    assert "access-control-allow-origin" not in without_origin.headers


def test_the_admin_endpoints_are_not_opened_to_every_origin(server):
    preflight = httpx.options(
        server.url + "/fixtures", headers={"origin": PAGE, "access-control-request-method": "POST"}
    )
    assert "access-control-allow-origin" not in preflight.headers
    health = httpx.get(server.url + "/health")
    assert "access-control-allow-origin" not in health.headers


def test_an_unknown_path_has_no_preflight(server):
    response = httpx.options(server.url + "/nowhere", headers={"origin": PAGE, "access-control-request-method": "POST"})
    assert response.status_code == 404
    # The same error body as any other request to an unknown path (found by Fuzz/e2e.py: it was empty).
    assert response.json()["error"]["code"] == "unknown_url"
    assert "OPTIONS /nowhere" in response.json()["error"]["message"]
    assert "allow" not in response.headers
    assert "access-control-allow-origin" not in response.headers


def test_listed_origins_only(tmp_path):
    config = tmp_path / "cors.yaml"
    config.write_text("settings:\n  cors_origins: [http://allowed.example]\nfixtures: []\n")
    server = Server(["--config", str(config)])
    try:
        body = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
        allowed = httpx.post(server.base_url + "/chat/completions", json=body, headers={"origin": "http://allowed.example"})
        assert allowed.headers["access-control-allow-origin"] == "http://allowed.example"
        other = httpx.post(server.base_url + "/chat/completions", json=body, headers={"origin": PAGE})
        assert other.status_code == 200
        assert "access-control-allow-origin" not in other.headers
    finally:
        server.stop()
