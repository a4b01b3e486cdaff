#!/usr/bin/env python3
"""Regenerates the seed corpora in Fuzz/Corpus/<target>/ from what the project's tests, examples
and docs send: request bodies (literal SDK calls and raw posts in Tests/conformance, raw JSON
strings in the Swift tests), configuration files and YAML strings, Lua scripts, and the plugin
ABI's JSON forms. Run it after changing those; the output is deterministic.

    python3 Fuzz/seed.py

Each seed is named by the SHA-1 of its content, as libFuzzer names corpus entries.
"""

import ast
import hashlib
import json
import re
import shutil
from pathlib import Path

import yaml

FUZZ = Path(__file__).resolve().parent
ROOT = FUZZ.parent
CORPUS = FUZZ / "Corpus"
MAX_SEEDS = 60
MAX_BYTES = 16 * 1024

CHAT = "/v1/chat/completions"
MESSAGES = "/v1/messages"


def python_tests():
    return sorted((ROOT / "Tests" / "conformance").glob("*.py"))


def swift_tests():
    return sorted((ROOT / "Tests").glob("*/*.swift"))


def literal(node, names):
    """The value of a literal expression, resolving names bound to literals in the same file and
    calls of the file's functions that only return a literal (`weather_tool()`)."""
    if isinstance(node, ast.Name) and node.id in names:
        return names[node.id]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.args and node.func.id in names:
        return names[node.func.id]
    if isinstance(node, (ast.List, ast.Tuple)):
        return [literal(element, names) for element in node.elts]
    if isinstance(node, ast.Dict) and None not in node.keys:
        return {literal(key, names): literal(value, names) for key, value in zip(node.keys, node.values)}
    return ast.literal_eval(node)


def literal_names(tree):
    """Names bound to literals, and functions whose body only returns one."""
    names = {}
    for node in ast.walk(tree):
        try:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                names[node.targets[0].id] = ast.literal_eval(node.value)
            elif isinstance(node, ast.FunctionDef) and not node.args.args and isinstance(node.body[-1], ast.Return):
                names[node.name] = ast.literal_eval(node.body[-1].value)
        except (ValueError, SyntaxError, TypeError):
            pass
    return names


def second_turn(path, body):
    """The request a tool-calling client sends next (the agent loops of test_lua.py build these
    at run time): the assistant's tool call and the tool's result appended."""
    if not body.get("tools") or not isinstance(body.get("messages"), list):
        return None
    turn = dict(body, messages=list(body["messages"]))
    if path == MESSAGES:
        name = body["tools"][0].get("name", "f")
        turn["messages"] += [
            {"role": "assistant", "content": [{"type": "text", "text": "Checking."}, {"type": "tool_use", "id": "toolu_1", "name": name, "input": {"city": "Paris"}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": [{"type": "text", "text": "sunny"}]}]},
        ]
        turn["system"] = [{"type": "text", "text": "be brief"}]
        turn["tool_choice"] = {"type": "auto"}
    else:
        name = body["tools"][0].get("function", {}).get("name", "f")
        turn["messages"] += [
            {"role": "assistant", "content": None, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": name, "arguments": '{"city": "Paris"}'}}]},
            {"role": "tool", "tool_call_id": "call_1", "content": "sunny"},
        ]
    return turn


def call_chain(func):
    parts = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    return list(reversed(parts))


def url_path(node):
    """The literal path of `server.url + "/v1/messages"`-like expressions."""
    if isinstance(node, ast.BinOp) and isinstance(node.right, ast.Constant) and isinstance(node.right.value, str):
        return node.right.value
    return None


def request_bodies():
    """(path, body bytes) for every request body the conformance tests spell out."""
    found = []
    for file in python_tests():
        tree = ast.parse(file.read_text())
        names = literal_names(tree)
        helpers = {
            node.name: node for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef) and any(isinstance(n, ast.Call) and is_sdk_call(n) for n in ast.walk(node))
            and not node.name.startswith("test_")
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                found += bodies_of_call(node, names, helpers)
            elif isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
                text = node.value if isinstance(node.value, bytes) else node.value.encode()
                if text.lstrip()[:1] in (b"{", b"[") and b'"model"' in text:
                    found.append((CHAT, text))
    for file in swift_tests():
        for raw in re.findall(r'#"(\{.*?\})"#', file.read_text()):
            if '"messages"' in raw and "\\(" not in raw:
                found.append((MESSAGES if '"max_tokens"' in raw else CHAT, raw.encode()))
    return found


def is_sdk_call(node):
    """client.chat.completions.create(...), claude.messages.stream(...) and the like."""
    chain = call_chain(node.func)
    return bool(chain) and chain[-1] in ("create", "stream") and ("completions" in chain or "messages" in chain)


def sdk_bodies(node, names, extra=None):
    """The bodies an SDK call sends; `extra` holds the keywords a helper passed on as **kwargs."""
    extra = dict(extra or {})
    body = {}
    for keyword in node.keywords:
        if keyword.arg is None or keyword.arg in ("extra_headers", "timeout"):
            continue
        value = keyword.value
        # kwargs.pop("model", "gpt-4o") in a helper: the caller's keyword, else the default.
        if isinstance(value, ast.Call) and call_chain(value.func) == ["pop"] and len(value.args) == 2:
            key = ast.literal_eval(value.args[0])
            if key in extra:
                body[key] = extra.pop(key)
                continue
            value = value.args[1]
        try:
            body[keyword.arg] = literal(value, names)
        except (ValueError, SyntaxError, TypeError):
            continue
    body.update(extra)
    body.update(body.pop("extra_body", {}))
    if not isinstance(body.get("messages"), list):
        return []
    chain = call_chain(node.func)
    if chain[-1] == "stream":
        body["stream"] = True
    path = CHAT if "completions" in chain else MESSAGES
    turns = [body] + [turn for turn in [second_turn(path, body)] if turn]
    return [(path, json.dumps(turn).encode()) for turn in turns]


def bodies_of_call(node, names, helpers):
    if is_sdk_call(node):
        return sdk_bodies(node, names)
    chain = call_chain(node.func)
    keywords = {k.arg: k.value for k in node.keywords if k.arg}
    # A test's own helper, ask(client, "hello", tools=[...]): its SDK call with the arguments bound.
    if isinstance(node.func, ast.Name) and node.func.id in helpers:
        helper = helpers[node.func.id]
        bound = dict(names)
        for parameter, argument in zip((a.arg for a in helper.args.args), node.args):
            try:
                bound[parameter] = literal(argument, names)
            except (ValueError, SyntaxError, TypeError):
                pass
        extra = {}
        for name, value in keywords.items():
            try:
                extra[name] = literal(value, names)
            except (ValueError, SyntaxError, TypeError):
                pass
        return [found for inner in ast.walk(helper) if isinstance(inner, ast.Call) and is_sdk_call(inner) for found in sdk_bodies(inner, bound, extra)]
    # Raw posts: httpx.post(server.url + "/v1/messages", json={...}) or content=...
    if chain and chain[-1] in ("post", "stream") and node.args:
        path = url_path(node.args[-1])
        if path is None:
            return []
        for key in ("json", "content"):
            if key in keywords:
                try:
                    value = literal(keywords[key], names)
                except (ValueError, SyntaxError, TypeError):
                    return []
                if key == "json":
                    value = json.dumps(value)
                return [(path, value if isinstance(value, bytes) else value.encode())]
    return []


def yaml_texts():
    """Configuration files and the YAML strings of the tests."""
    texts = [p.read_text() for p in sorted((ROOT / "examples").glob("*.yaml"))]
    texts += [p.read_text() for p in sorted((ROOT / "Tests" / "conformance" / "fixtures").glob("*.yaml"))]
    texts.append((FUZZ / "fixtures.yaml").read_text())
    for file in python_tests():
        for node in ast.walk(ast.parse(file.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.search(r"^(fixtures|settings):", node.value, re.M):
                texts.append(node.value)
    for file in swift_tests():
        for block in re.findall(r'"""\n(.*?)"""', file.read_text(), re.S):
            lines = block.splitlines()
            indent = min((len(l) - len(l.lstrip()) for l in lines if l.strip()), default=0)
            text = "\n".join(l[indent:] for l in lines) + "\n"
            if "\\(" not in text and re.search(r"^(fixtures|settings):", text, re.M):
                texts.append(text)
    return texts


def fixture_bodies(paths_and_bodies):
    """Single fixtures, as `POST /fixtures` takes them: from the admin tests and from every file's list."""
    bodies = [body for path, body in paths_and_bodies if path == "/fixtures"]
    for text in yaml_texts():
        try:
            document = yaml.safe_load(text) or {}
        except yaml.YAMLError:
            continue
        for fixture in (document.get("fixtures") or [])[:6]:
            bodies.append(yaml.safe_dump(fixture, sort_keys=False).encode())
            bodies.append(json.dumps(fixture).encode())
    return bodies


def lua_scripts():
    """Every responder script: the shipped examples and every `lua_inline` in a config."""
    scripts = [p.read_bytes() for p in sorted((ROOT / "Plugins" / "lua").glob("*.lua"))]
    for text in yaml_texts():
        try:
            document = yaml.safe_load(text) or {}
        except yaml.YAMLError:
            continue
        for fixture in document.get("fixtures") or []:
            reply = fixture.get("reply") or {}
            if isinstance(reply, dict) and isinstance(reply.get("lua_inline"), str):
                scripts.append(reply["lua_inline"].encode())
    return scripts


def plugin_json():
    """The JSON forms of the plugin ABI: from the plugin tests, the docs' examples, and one
    canonical request and completed reply written as docs/plugins.md describes them."""
    forms = []
    for file in sorted((ROOT / "Tests" / "LyrebirdPluginTests").glob("*.swift")):
        forms += [raw.encode() for raw in re.findall(r'#"(.*?)"#', file.read_text()) if raw[:1] in "{[" and "\\(" not in raw]
    for line in (ROOT / "docs" / "plugins.md").read_text().splitlines():
        line = re.sub(r"\s*//.*$", "", line).strip()
        if line.startswith('{"type"'):
            forms.append(line.encode())
    message = {"role": "user", "content": [{"type": "text", "text": "weather in Paris?"}], "tool_calls": []}
    assistant = {
        "role": "assistant",
        "content": [],
        "tool_calls": [{"id": "call_1", "name": "get_weather", "arguments": '{"city":"Paris"}'}],
    }
    tool = {"role": "tool", "content": [{"type": "text", "text": "sunny"}], "tool_calls": [], "tool_call_id": "call_1"}
    forms.append(json.dumps({
        "operation": "chat.completions", "model": "gpt-4o", "messages": [message, assistant, tool],
        "tools": [{"name": "get_weather", "description": "weather", "parameters": {"type": "object"}}],
        "tool_choice": {"function": {"name": "get_weather"}}, "response_format": {"jsonSchema": {"name": "s", "schema": {}}},
        "sampling": {"temperature": 0.5, "top_p": 1.0, "max_tokens": 20, "stop": ["\n"], "seed": 7},
        "n": 2, "stream": True, "include_usage": True, "mock_response": "hi", "user": "u",
        "body": {"model": "gpt-4o", "n": 2}, "headers": [{"name": "x-lyrebird-conversation", "value": "c"}],
    }).encode())
    forms.append(json.dumps({
        "choices": [{"index": 0, "text": "Hi", "tool_calls": [{"id": "call_1", "name": "f", "arguments": "{}"}], "finish_reason": "tool_calls"}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 5, "cached_tokens": 0, "reasoning_tokens": 0},
    }).encode())
    forms.append(json.dumps({
        "request_id": "req_1", "id_suffix": "abc", "created": 1700000000, "model": "m", "system_fingerprint": "fp_1", "prompt_tokens": 4,
    }).encode())
    forms.append(b'[{"method": "POST", "path": "/v1/messages", "operation": "messages", "transports": ["http", "sse"]}]')
    return forms


def host_requests(paths_and_bodies, fixtures):
    """Requests in fuzz-host's text form: every route with the bodies it takes, and the admin endpoints."""
    def request(method, path, body=b"", headers=("content-type: application/json",)):
        return ("\n".join([f"{method} {path}", *headers]) + "\n\n").encode() + body

    requests = [request("GET", p, headers=()) for p in ("/health", "/fixtures", "/journal", "/fixtures/greet")]
    requests += [request("DELETE", "/fixtures/nothing-here", headers=())]
    requests += [request("POST", "/fixtures", body, ("content-type: application/yaml",)) for body in fixtures[:8]]
    for path, body in paths_and_bodies:
        if path.startswith("/v1/"):
            requests.append(request("POST", path, body))
    keywords = ["fail", "slow down", "weather in Oslo", "hello there", "paced", "echo me", "bye pirate"]
    for stream in (False, True):
        for word in keywords:
            chat = {"model": "gpt-4o", "stream": stream, "messages": [{"role": "system", "content": "talk like a pirate"}, {"role": "user", "content": word}],
                    "tools": [{"type": "function", "function": {"name": "lookup", "parameters": {"type": "object"}}}]}
            claude = {"model": "claude-x", "max_tokens": 64, "stream": stream, "messages": [{"role": "user", "content": word}]}
            requests.append(request("POST", CHAT, json.dumps(chat).encode(), ("content-type: application/json", "x-lyrebird-conversation: c1")))
            requests.append(request("POST", MESSAGES, json.dumps(claude).encode(), ("anthropic-version: 2023-06-01",)))
    return requests


def write(target, seeds):
    folder = CORPUS / target
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    unique = []
    for seed in seeds:
        if len(seed) <= MAX_BYTES and seed not in unique:
            unique.append(seed)
    for seed in unique[:MAX_SEEDS]:
        (folder / hashlib.sha1(seed).hexdigest()).write_bytes(seed)
    print(f"{target}: {min(len(unique), MAX_SEEDS)} seeds")


def main():
    bodies = request_bodies()
    chat = [body for path, body in bodies if path.endswith("/chat/completions")]
    anthropic = [body for path, body in bodies if path.startswith(MESSAGES)]
    fixtures = fixture_bodies(bodies)
    configs = [text.encode() for text in yaml_texts()]
    write("fuzz-json", chat + anthropic + plugin_json())
    write("fuzz-chat-decode", chat)
    write("fuzz-anthropic-decode", anthropic)
    write("fuzz-config", configs + fixtures)
    write("fuzz-lua-request", chat + anthropic)
    write("fuzz-lua-reply", lua_scripts())
    write("fuzz-plugin-json", plugin_json())
    write("fuzz-host", host_requests(bodies, fixtures))


if __name__ == "__main__":
    main()
