"""Spans over OTLP/HTTP: a collector started here receives a span of every request, named and
described by the OpenTelemetry semantic conventions for generative AI, continuing the trace the
client sent, in protobuf and in JSON; a collector that is down or hangs costs the clients
nothing."""

import base64
import http.server
import json
import socket
import threading
import time

import anthropic
import httpx
import openai
import pytest
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

from conftest import Server, run_lyrebird

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_ID = "00f067aa0ba902b7"
TRACEPARENT = f"00-{TRACE_ID}-{PARENT_ID}-01"

FIXTURES = """
fixtures:
  - match: {user: broken}
    reply: {error: {status: 500, message: "The fixture broke."}}
  - reply: {content: "Traced reply."}
"""


class Collector:
    """An OTLP/HTTP receiver: keeps every export posted to /v1/traces, decoded into spans of
    one shape whatever the encoding."""

    def __init__(self):
        self.exports = []
        self.lock = threading.Lock()
        collector = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["content-length"]))
                with collector.lock:
                    collector.exports.append((self.path, self.headers["content-type"], body))
                reply = b"{}" if self.headers["content-type"] == "application/json" else b""
                self.send_response(200)
                self.send_header("content-type", self.headers["content-type"])
                self.send_header("content-length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def spans(self):
        found = []
        with self.lock:
            exports = list(self.exports)
        for path, content_type, body in exports:
            assert path == "/v1/traces"
            if content_type == "application/json":
                found += spans_from_json(json.loads(body))
            else:
                assert content_type == "application/x-protobuf"
                request = trace_service_pb2.ExportTraceServiceRequest()
                request.ParseFromString(body)
                found += spans_from_protobuf(request)
        return found

    def wait_for(self, count, timeout=20.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            spans = self.spans()
            if len(spans) >= count:
                return spans
            time.sleep(0.1)
        raise AssertionError(f"the collector received {len(self.spans())} spans, not {count}")

    def stop(self):
        self.server.shutdown()


def spans_from_protobuf(request):
    spans = []
    for resource in request.resource_spans:
        service = {a.key: a.value.string_value for a in resource.resource.attributes}.get("service.name")
        for scope in resource.scope_spans:
            for span in scope.spans:
                attributes = {}
                for attribute in span.attributes:
                    kind = attribute.value.WhichOneof("value")
                    attributes[attribute.key] = getattr(attribute.value, kind)
                spans.append({
                    "service": service, "name": span.name, "kind": span.kind, "trace_id": span.trace_id.hex(),
                    "parent_id": span.parent_span_id.hex(), "start": span.start_time_unix_nano, "end": span.end_time_unix_nano,
                    "status": span.status.code, "attributes": attributes,
                })
    return spans


def spans_from_json(document):
    def identifier(text):
        # OTLP's JSON encoding writes ids in hex; a protobuf JSON printer writes base64.
        if not text:
            return ""
        try:
            int(text, 16)
            return text.lower()
        except ValueError:
            return base64.b64decode(text).hex()

    def value(typed):
        kind, raw = next(iter(typed.items()))
        return int(raw) if kind == "intValue" else raw

    kinds = {"SPAN_KIND_SERVER": 2}
    codes = {"STATUS_CODE_UNSET": 0, "STATUS_CODE_OK": 1, "STATUS_CODE_ERROR": 2}
    spans = []
    for resource in document["resourceSpans"]:
        service = {a["key"]: value(a["value"]) for a in resource["resource"]["attributes"]}.get("service.name")
        for scope in resource["scopeSpans"]:
            for span in scope["spans"]:
                kind = span.get("kind", 0)
                status = span.get("status", {}).get("code", 0)
                spans.append({
                    "service": service, "name": span["name"], "kind": kinds.get(kind, kind), "trace_id": identifier(span["traceId"]),
                    "parent_id": identifier(span.get("parentSpanId", "")), "start": int(span["startTimeUnixNano"]),
                    "end": int(span["endTimeUnixNano"]), "status": codes.get(status, status),
                    "attributes": {a["key"]: value(a["value"]) for a in span.get("attributes", [])},
                })
    return spans


def start(tmp_path, traces):
    config = tmp_path / "traces.yaml"
    config.write_text("settings:\n  traces: " + traces + "\n" + FIXTURES)
    return Server(["--config", str(config)])


@pytest.fixture()
def collector():
    collector = Collector()
    yield collector
    collector.stop()


def by_request(spans):
    return {span["attributes"]["lyrebird.request_id"]: span for span in spans}


def test_every_request_gets_a_span_by_the_genai_conventions(tmp_path, collector):
    server = start(tmp_path, f"{{endpoint: {collector.url}, export_delay_ms: 100}}")
    try:
        before = time.time_ns()
        client = openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=0, default_headers={"traceparent": TRACEPARENT})
        raw = client.chat.completions.with_raw_response.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
        completion = raw.parse()
        chat_id = raw.headers["x-request-id"]
        streamed = client.chat.completions.with_raw_response.create(
            model="gpt-4o", messages=[{"role": "user", "content": "hi"}], stream=True, stream_options={"include_usage": True}
        )
        stream_id = streamed.headers["x-request-id"]
        stream_usage = [chunk.usage for chunk in streamed.parse() if chunk.usage][0]
        embedded = client.embeddings.with_raw_response.create(model="text-embedding-3-small", input=["one", "two"])
        embed_id = embedded.headers["x-request-id"]
        claude = anthropic.Anthropic(base_url=server.url, api_key="k", max_retries=0)
        message = claude.messages.with_raw_response.create(
            model="claude-sonnet-4-5", max_tokens=50, messages=[{"role": "user", "content": "hi"}]
        )
        claude_id = message.headers["x-request-id"]
        message_usage = message.parse().usage
        after = time.time_ns()

        spans = by_request(collector.wait_for(4))
        chat = spans[chat_id]
        assert chat["name"] == "chat gpt-4o-mini" and chat["kind"] == 2 and chat["service"] == "lyrebird"
        assert chat["attributes"]["gen_ai.operation.name"] == "chat"
        assert chat["attributes"]["gen_ai.provider.name"] == "openai"
        assert chat["attributes"]["gen_ai.request.model"] == "gpt-4o-mini"
        assert chat["attributes"]["gen_ai.usage.input_tokens"] == completion.usage.prompt_tokens
        assert chat["attributes"]["gen_ai.usage.output_tokens"] == completion.usage.completion_tokens
        assert chat["attributes"]["http.response.status_code"] == 200
        assert chat["attributes"]["url.path"] == "/v1/chat/completions"
        assert chat["attributes"]["lyrebird.streamed"] is False
        # The span continues the client's trace, under the client's span.
        assert chat["trace_id"] == TRACE_ID and chat["parent_id"] == PARENT_ID
        assert before <= chat["start"] <= chat["end"] <= after
        assert chat["status"] == 0

        stream = spans[stream_id]
        assert stream["name"] == "chat gpt-4o" and stream["attributes"]["lyrebird.streamed"] is True
        assert stream["attributes"]["gen_ai.usage.output_tokens"] == stream_usage.completion_tokens
        embeddings = spans[embed_id]
        assert embeddings["name"] == "embeddings text-embedding-3-small"
        assert embeddings["attributes"]["gen_ai.operation.name"] == "embeddings"
        claude_span = spans[claude_id]
        assert claude_span["attributes"]["gen_ai.provider.name"] == "anthropic"
        assert claude_span["attributes"]["gen_ai.usage.input_tokens"] == message_usage.input_tokens
        assert claude_span["attributes"]["gen_ai.usage.output_tokens"] == message_usage.output_tokens
        # The journal keeps the trace context the span continued.
        entry = httpx.get(server.url + "/_lyrebird/journal", params={"request_id": chat_id}).json()["data"][0]
        assert entry["traceparent"] == TRACEPARENT
    finally:
        server.stop()


def test_failures_show_in_their_spans(tmp_path, collector):
    server = start(tmp_path, f"{{endpoint: {collector.url}, export_delay_ms: 100}}")
    try:
        broken = httpx.post(server.base_url + "/chat/completions", json={"model": "m", "messages": [{"role": "user", "content": "broken"}]})
        assert broken.status_code == 500
        invalid = httpx.post(server.base_url + "/chat/completions", json={"model": "m", "messages": "no"})
        assert invalid.status_code == 400
        spans = by_request(collector.wait_for(2))
        failed = spans[broken.headers["x-request-id"]]
        assert failed["status"] == 2 and failed["attributes"]["error.type"] == "500"
        refused = spans[invalid.headers["x-request-id"]]
        # A client's mistake is not the server's failure: error.type says it, the status stays unset.
        assert refused["status"] == 0 and refused["attributes"]["error.type"] == "400"
        assert refused["name"] == "POST /v1/chat/completions" or refused["name"].startswith("chat")
    finally:
        server.stop()


def test_spans_can_be_sent_as_json_with_a_service_name(tmp_path, collector):
    server = start(tmp_path, f"{{endpoint: {collector.url}/v1/traces, protocol: http/json, service_name: checkout-mock, export_delay_ms: 100}}")
    try:
        response = httpx.post(server.base_url + "/chat/completions", json={"model": "m", "messages": [{"role": "user", "content": "hi"}]})
        spans = collector.wait_for(1)
        assert collector.exports[0][1] == "application/json"
        assert spans[0]["service"] == "checkout-mock" and spans[0]["name"] == "chat m"
        assert spans[0]["attributes"]["lyrebird.request_id"] == response.headers["x-request-id"]
        # Without a traceparent, each request starts a trace of its own.
        assert spans[0]["parent_id"] == "" and len(spans[0]["trace_id"]) == 32
    finally:
        server.stop()


def test_a_sample_ratio_sends_some_spans_and_every_sampled_client_s(tmp_path, collector):
    server = start(tmp_path, f"{{endpoint: {collector.url}, export_delay_ms: 100, sample_ratio: 0.25}}")
    try:
        sampled = []
        for number in range(40):
            httpx.post(server.base_url + "/chat/completions", json={"model": "m", "messages": [{"role": "user", "content": "hi"}]})
            traced = httpx.post(
                server.base_url + "/chat/completions",
                json={"model": "m", "messages": [{"role": "user", "content": "hi"}]},
                headers={"traceparent": f"00-{number + 1:032x}-{PARENT_ID}-01"},
            )
            sampled.append(traced.headers["x-request-id"])
        spans = by_request(collector.wait_for(40))
        time.sleep(0.5)
        spans = by_request(collector.spans())
        # Every span of a sampled client's trace arrives; of the rest, about a quarter.
        assert all(request in spans for request in sampled)
        assert 1 <= len(spans) - len(sampled) <= 25
    finally:
        server.stop()


def test_a_collector_that_is_down_or_hangs_costs_the_clients_nothing(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    # A collector that accepts connections and never answers.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(64)
    try:
        for endpoint in (f"http://127.0.0.1:{closed_port}", f"http://127.0.0.1:{silent.getsockname()[1]}"):
            server = start(tmp_path, f"{{endpoint: {endpoint}, export_delay_ms: 50, export_timeout_ms: 1000}}")
            try:
                client = openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=0, timeout=10)
                for _ in range(40):
                    reply = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
                    assert reply.choices[0].message.content == "Traced reply."
                assert httpx.get(server.url + "/health").json()["status"] == "healthy"
            finally:
                stopped = time.monotonic()
                server.stop()
                # Stopping waits for the last batch no longer than the export timeout allows.
                assert time.monotonic() - stopped < 9
    finally:
        silent.close()


@pytest.mark.parametrize(
    "traces, message",
    [
        ("{endpoint: ftp://collector:4318}", "must be an http:// or https:// address"),
        ("{protocol: grpc, endpoint: http://127.0.0.1:4318}", "must be http/protobuf or http/json"),
        ("{}", "settings.traces.endpoint: missing"),
        ("{endpoint: http://127.0.0.1:4318, batch: 5}", "unknown key (expected endpoint, protocol, service_name, export_delay_ms, export_timeout_ms"),
        ("{endpoint: http://127.0.0.1:4318, export_delay_ms: 0}", "export_delay_ms"),
    ],
)
def test_bad_trace_settings_are_refused(tmp_path, traces, message):
    config = tmp_path / "bad.yaml"
    config.write_text("settings:\n  traces: " + traces + "\n")
    result = run_lyrebird("validate", str(config))
    assert result.returncode != 0
    assert message in result.stdout + result.stderr


def test_the_command_line_names_a_collector(tmp_path, collector):
    config = tmp_path / "plain.yaml"
    config.write_text(FIXTURES)
    server = Server(["--config", str(config), "--otlp-endpoint", collector.url])
    try:
        response = httpx.post(server.base_url + "/chat/completions", json={"model": "m", "messages": [{"role": "user", "content": "hi"}]})
        # The default batch delay is a second.
        spans = collector.wait_for(1)
        assert spans[0]["attributes"]["lyrebird.request_id"] == response.headers["x-request-id"]
    finally:
        server.stop()
    bad = run_lyrebird("serve", "--port", "0", "--otlp-endpoint", "collector:4318", timeout=30)
    assert bad.returncode != 0 and "must be an http:// or https:// address" in bad.stderr
