#!/usr/bin/env python3
"""Regenerates the seed corpora in Fuzz/Corpus/<target>/ from what the project's tests, examples
and docs send: request bodies (literal SDK calls and raw posts in Tests/conformance, raw JSON
strings in the Swift tests), configuration files and YAML strings, Lua scripts, Lua patterns,
regular expressions, and the plugin ABI's JSON forms. Run it after changing those; the output is
deterministic.

    python3 Fuzz/seed.py                       # every target
    python3 Fuzz/seed.py fuzz-bedrock-decode   # only the targets named

Each seed is named by the SHA-1 of its content, as libFuzzer names corpus entries.
"""

import ast
import base64
import hashlib
import json
import re
import shutil
import sys
from pathlib import Path

import yaml

FUZZ = Path(__file__).resolve().parent
ROOT = FUZZ.parent
CORPUS = FUZZ / "Corpus"
MAX_SEEDS = 60
MAX_BYTES = 16 * 1024

CHAT = "/v1/chat/completions"
MESSAGES = "/v1/messages"
COUNT_TOKENS = "/v1/messages/count_tokens"
RESPONSES = "/v1/responses"
EMBEDDINGS = "/v1/embeddings"
COMPLETIONS = "/v1/completions"
GEMINI = "/v1beta/models/gemini-2.0-flash:generateContent"
GEMINI_STREAM = "/v1beta/models/gemini-2.0-flash:streamGenerateContent"
GEMINI_COUNT = "/v1beta/models/gemini-2.0-flash:countTokens"
GEMINI_EMBED = "/v1beta/models/gemini-embedding-001:embedContent"
GEMINI_BATCH_EMBED = "/v1beta/models/gemini-embedding-001:batchEmbedContents"
OLLAMA_CHAT = "/api/chat"
OLLAMA_GENERATE = "/api/generate"
BEDROCK_CONVERSE = "/model/{modelId}/converse"
BEDROCK_INVOKE = "/model/{modelId}/invoke"
OLLAMA_EMBED = "/api/embed"
OLLAMA_EMBEDDINGS = "/api/embeddings"
# What fuzz-responses-decode (and e2e.py) replace with the id of a response the server keeps.
PREVIOUS_RESPONSE = "resp_previous"

# Raw JSON bodies in these Swift test files go to these paths; elsewhere a body with messages
# is a chat or Anthropic request.
SWIFT_BODY_PATHS = {
    "ResponsesProviderTests.swift": lambda raw: RESPONSES if '"input"' in raw else None,
    "OpenAIEmbeddingsTests.swift": lambda raw: EMBEDDINGS if '"input"' in raw else None,
    "EmbeddingTests.swift": lambda raw: EMBEDDINGS if '"input"' in raw else None,
    "LuaEmbeddingTests.swift": lambda raw: EMBEDDINGS if '"input"' in raw else None,
    "OpenAICompletionsTests.swift": lambda raw: COMPLETIONS if '"prompt"' in raw else None,
    "GeminiProviderTests.swift": lambda raw: GEMINI if '"contents"' in raw else None,
    "GeminiSchemaTests.swift": lambda raw: GEMINI if '"contents"' in raw else None,
    "GeminiThoughtTests.swift": lambda raw: GEMINI if '"contents"' in raw else None,
    "GeminiRoutesTests.swift": lambda raw: GEMINI if '"contents"' in raw else None,
    "GeminiEmbeddingTests.swift": lambda raw: GEMINI_BATCH_EMBED if '"requests"' in raw else GEMINI_EMBED if '"content"' in raw else None,
    "OllamaProviderTests.swift": lambda raw: OLLAMA_GENERATE if '"prompt"' in raw else OLLAMA_CHAT if '"messages"' in raw else None,
    "BedrockProviderTests.swift": lambda raw: BEDROCK_INVOKE if '"anthropic_version"' in raw else BEDROCK_CONVERSE,
    "BedrockReasoningTests.swift": lambda raw: BEDROCK_CONVERSE if '"messages"' in raw else None,
    "OllamaThinkingTests.swift": lambda raw: OLLAMA_GENERATE if '"prompt"' in raw else OLLAMA_CHAT if '"messages"' in raw else None,
    "OllamaEmbeddingTests.swift": lambda raw: OLLAMA_EMBED if '"input"' in raw else OLLAMA_EMBEDDINGS if '"prompt"' in raw else None,
}


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
    if path not in (CHAT, MESSAGES) or not body.get("tools") or not isinstance(body.get("messages"), list):
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


def url_path(node, names=None):
    """The literal path of `server.url + "/v1/messages"`-like expressions, and of f-strings such
    as `f"{server.base_url}/responses"` (the base URL ends in /v1) or
    `f"{server.url}/v1beta/models/{MODEL}:streamGenerateContent"`."""
    if isinstance(node, ast.BinOp) and isinstance(node.right, ast.Constant) and isinstance(node.right.value, str):
        return node.right.value
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.FormattedValue):
        parts = []
        for index, value in enumerate(node.values):
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            elif index == 0:
                parts.append("/v1" if call_chain(value.value)[-1:] == ["base_url"] else "")
            elif isinstance(value.value, ast.Name) and (names or {}).get(value.value.id) is not None:
                parts.append(str(names[value.value.id]))
            else:
                return None
        return "".join(parts)
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
            if "\\(" in raw or "\\#(" in raw:
                continue
            if file.name in SWIFT_BODY_PATHS:
                path = SWIFT_BODY_PATHS[file.name](raw)
                if path:
                    found.append((path, raw.encode()))
            elif '"messages"' in raw:
                found.append((MESSAGES if '"max_tokens"' in raw else CHAT, raw.encode()))
    return found


def sdk_path(chain):
    """The path an SDK call posts to: OpenAI's and Anthropic's (`client.chat.completions.create`,
    `claude.messages.stream`, `client.responses.create`, `client.embeddings.create`), Google's
    (`client.models.generate_content`) and Ollama's (`client.chat`, `client.generate`)."""
    if not chain:
        return None
    if chain[-1] in ("create", "stream"):
        if "completions" in chain:
            return CHAT if "chat" in chain else COMPLETIONS
        if "messages" in chain:
            return MESSAGES
        if "responses" in chain:
            return RESPONSES
        if "embeddings" in chain and chain[-1] == "create":
            return EMBEDDINGS
        return None
    if "models" in chain:
        return {"generate_content": GEMINI, "generate_content_stream": GEMINI_STREAM, "count_tokens": GEMINI_COUNT}.get(chain[-1])
    if len(chain) <= 2 and chain[-1] in ("chat", "generate"):
        return OLLAMA_CHAT if chain[-1] == "chat" else OLLAMA_GENERATE
    return None


# The member a body needs before it counts as a request to the path.
REQUIRED = {CHAT: "messages", MESSAGES: "messages", RESPONSES: "model", EMBEDDINGS: "input", COMPLETIONS: "prompt",
            GEMINI: "contents", GEMINI_STREAM: "contents", GEMINI_COUNT: "contents", OLLAMA_CHAT: "messages",
            OLLAMA_GENERATE: "prompt"}


def is_sdk_call(node):
    return sdk_path(call_chain(node.func)) is not None


def gemini_contents(contents):
    """What google-genai sends for `contents`: a text is one user turn, a list of texts its parts."""
    if isinstance(contents, str):
        return [{"role": "user", "parts": [{"text": contents}]}]
    if isinstance(contents, list) and all(isinstance(item, str) for item in contents):
        return [{"role": "user", "parts": [{"text": item} for item in contents]}]
    return contents


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
            # `previous_response_id=first.id`: the id of a response the fuzzers keep.
            if keyword.arg == "previous_response_id":
                body[keyword.arg] = PREVIOUS_RESPONSE
            continue
    body.update(extra)
    body.update(body.pop("extra_body", {}))
    chain = call_chain(node.func)
    path = sdk_path(chain)
    if path in (GEMINI, GEMINI_STREAM, GEMINI_COUNT):
        if "contents" not in body:
            return []
        body = {"contents": gemini_contents(body["contents"])}
    if body.get(REQUIRED[path]) is None or (REQUIRED[path] == "messages" and not isinstance(body["messages"], list)):
        return []
    if chain[-1] == "stream":
        body["stream"] = True
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
        path = url_path(node.args[-1], names)
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
    scripts = [p.read_bytes() for p in sorted((ROOT / "examples" / "lua").glob("*.lua"))]
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


def pattern_inputs():
    """fuzz-lua-patterns' inputs: a pattern, a subject, a replacement and an options byte (an init
    and find's plain flag), separated by 0xFF. The patterns the Lua scripts and docs use, then one
    for each feature of Lua's patterns, each on a subject it can match."""
    sources = sorted((ROOT / "examples" / "lua").glob("*.lua")) + sorted((ROOT / "docs").glob("*.md"))
    used = re.findall(rb':(?:find|match|gmatch|gsub)\("((?:[^"\\]|\\.)*)"', b"".join(p.read_bytes() for p in sources))
    features = [
        b"%a+", b"%d+%.?%d*", b"%s*(%S+)%s*", b"[%w_]+", b"[^%s]+", b"[a-f0-9]+", b"[]%]]", b"^(%w+)=(%w+)$", b"()aa()",
        b"(a*(.)%w(%s*))", b"%b()", b"%f[%w]%w+", b"(h)(e)%2%1", b".-b", b"a?b+c*d-", b"%z", b"[%a-z]", b"%", b"[a", b"%f",
        b"(()", b"%1", b")", b"^", b"$", b"", b"x*$", b"%.%-%%",
    ]
    subjects = [b"Let me look that up.", b"key=value; other=2", b"f(a(b)c) [x] 12-34", b"  hello  world  ", b"aaa\x00bbb]"]
    replacements = [b"<%1>", b"%0%0", b"%%", b"x", b""]
    seeds = []
    for index, pattern in enumerate(used + features):
        subject = subjects[index % len(subjects)]
        replacement = replacements[index % len(replacements)]
        options = bytes([(index * 37) % 256])
        seeds.append(pattern + b"\xff" + subject + b"\xff" + replacement + b"\xff" + options)
    return seeds


def regex_inputs():
    """fuzz-regex's inputs: a pattern, a newline and a text. The `regex` conditions of the configs,
    then one pattern for each feature of the syntax and for each refusal, each on a text."""
    used = []

    def collect(value):
        if isinstance(value, dict):
            if isinstance(value.get("regex"), str):
                used.append(value["regex"].encode())
            for child in value.values():
                collect(child)
        elif isinstance(value, list):
            for child in value:
                collect(child)

    for text in yaml_texts():
        try:
            collect(yaml.safe_load(text))
        except yaml.YAMLError:
            continue
    features = [
        rb"\bcat\b", rb"\Bing\b", rb"^\p{Lu}\p{Ll}+$", rb"[\p{L}\d_]+", rb"[^\p{N}]", rb"\P{L}+", rb"\p{gc=Nd}\p{Letter}",
        rb"(?i)hello", rb"a(?i)b|c", rb"(?i:b)c", rb"(?i)a(?-i)b", rb"(?s)a.b", rb"(?m)^a$", rb"(?im)^abc$", rb"(?i-s:a.)",
        rb"[\b]", rb"(\b\w+\b\s*)*$", rb"(?i)(a|aa)*b", rb"^(a+)+$", rb"(?:a{1000}){19}b", rb"\d{3}-\d{4}",
        rb"^[a-z_][a-z0-9_]{0,3}$", rb"(?<name>x)(?P<other>y)?", rb"\u0041\x42\u{1F600}", rb"a{2,}b*?", rb"(?i)[^a]",
        rb"(a)\1", rb"(?=a)", rb"(?<!a)b", rb"\k<n>", rb"\p{Script=Latin}", rb"[]a]", rb"(?x)a", rb"a**", rb"\b+",
    ]
    texts = [
        b"the cat sat", b"Hello World\nsecond line", b"aaaaaaaaaaaaaaaaaaaab", "\u00c9cole 123 caf\u00e9".encode(),
        b"word word word !", b"555-1234 xyz\r\nAB",
    ]
    return [pattern + b"\n" + texts[index % len(texts)] for index, pattern in enumerate(used + features)]


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
        if path.startswith(("/v1/", "/v1beta/", "/api/")):
            requests.append(request("POST", path.replace(PREVIOUS_RESPONSE, "resp_missing"), body))
    requests += [request("GET", p, headers=()) for p in ("/v1/models", "/v1/models/gpt-4o", "/v1beta/models",
                                                        "/v1beta/models/gemini-2.0-flash", "/api/tags",
                                                        "/v1/responses/resp_missing", "/v1/responses/resp_missing/input_items",
                                                        "/api/ps")]
    # Google's clients get Gemini's model list and its 404 for unknown methods under /v1 too.
    requests += [request("GET", p, headers=("x-goog-api-key: k",)) for p in ("/v1/models", "/v1/models/gemini-2.0-flash")]
    requests += [request("POST", "/v1/models/gemini-2.0-flash:foo", b'{"contents": []}', ("x-goog-api-key: k",))]
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
    # Named targets only, when the command line names any.
    if sys.argv[1:] and target not in sys.argv[1:]:
        return
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


def gemini_sdk_bodies():
    """What google-genai sends for the calls of test_gemini.py whose `config` and `contents` are
    SDK objects rather than literals (written out by hand, as the client serializes them)."""
    question = {"role": "user", "parts": [{"text": "What is the forecast for Oslo?"}]}
    call = {"role": "model", "parts": [{"functionCall": {"id": "call_1", "name": "get_forecast", "args": {"city": "Oslo"}}}]}
    answer = {"role": "user", "parts": [{"functionResponse": {"name": "get_forecast", "response": {"result": "rain"}}}]}
    tools = [{"functionDeclarations": [{"name": "get_forecast", "parametersJsonSchema": {"type": "object"}}]}]
    return [json.dumps(body).encode() for body in [
        {"contents": [{"role": "user", "parts": [{"text": "describe the request"}]}],
         "systemInstruction": {"role": "user", "parts": [{"text": "Be brief."}]}, "tools": tools,
         "generationConfig": {"candidateCount": 2}},
        {"contents": [{"role": "user", "parts": [{"text": "json weather"}]}],
         "generationConfig": {"responseMimeType": "application/json", "responseSchema": {
             "type": "OBJECT", "properties": {"city": {"type": "STRING"}, "temperature": {"type": "INTEGER"}},
             "required": ["city", "temperature"]}}},
        {"contents": [question, call, answer], "tools": [{"functionDeclarations": [{"name": "get_forecast"}]}],
         "toolConfig": {"functionCallingConfig": {"mode": "AUTO"}}},
        {"contents": [{"role": "user", "parts": [{"text": "a recipe for soup"}]}],
         "generationConfig": {"responseMimeType": "application/json", "responseSchema": {
             "type": "OBJECT", "title": "Recipe", "required": ["name", "ingredients", "minutes"],
             "property_ordering": ["name", "ingredients", "minutes", "tags"],
             "properties": {"name": {"type": "STRING", "title": "Name"},
                            "ingredients": {"type": "ARRAY", "items": {"type": "STRING"}, "title": "Ingredients"},
                            "minutes": {"anyOf": [{"type": "INTEGER"}], "nullable": True, "title": "Minutes"},
                            "tags": {"type": "ARRAY", "items": {"type": "STRING"}, "default": [], "title": "Tags"}}}}},
        {"contents": [{"role": "user", "parts": [{"text": "what now?"}]}],
         "tools": [{"functionDeclarations": [{"name": "book_table", "parameters": {
             "type": "OBJECT", "required": ["guests"], "properties": {
                 "guests": {"type": "INTEGER", "minimum": 1, "maximum": 12},
                 "notes": {"type": "STRING", "nullable": True}}}}]}],
         "toolConfig": {"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["book_table"]}}},
        {"contents": [{"role": "user", "parts": [{"text": "think it over"}]},
                      {"role": "model", "parts": [{"text": "Thinking.", "thought": True}, {"text": "Done thinking."}]},
                      {"role": "user", "parts": [{"text": "hello"}]}],
         "generationConfig": {"thinkingConfig": {"includeThoughts": True}}},
        {"requests": [{"content": {"parts": [{"text": "a"}], "role": "user"}, "taskType": "RETRIEVAL_DOCUMENT", "title": "t",
                       "outputDimensionality": 8, "model": "models/gemini-embedding-001"}]},
        {"contents": [{"role": "user", "parts": [{"text": "Héllo, wörld! 12345 😀 naïve—test"},
                                                 {"inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgo="}}]},
                      {"role": "model", "parts": [{"functionCall": {"name": "lookup", "args": {"q": "x y"}}}]},
                      {"role": "user", "parts": [{"functionResponse": {"name": "lookup", "response": {"result": "found"}}}]}]},
    ]]


def bedrock_sdk_bodies():
    """What boto3 sends for the `converse` and `converse_stream` calls of test_bedrock.py (their
    keywords but `modelId`, blobs in base64), and InvokeModel's Anthropic bodies, which the tests
    build at run time (written out here)."""

    def jsonable(value):
        if isinstance(value, bytes):
            return base64.b64encode(value).decode()
        if isinstance(value, dict):
            return {key: jsonable(item) for key, item in value.items()}
        if isinstance(value, list):
            return [jsonable(item) for item in value]
        return value

    tree = ast.parse((ROOT / "Tests" / "conformance" / "test_bedrock.py").read_text())
    names = literal_names(tree)
    names["user"] = None
    bodies = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and call_chain(node.func)[-1:] in (["converse"], ["converse_stream"])):
            continue
        body = {}
        for keyword in node.keywords:
            if keyword.arg in (None, "modelId"):
                continue
            value = keyword.value
            # user("hello"): the test's helper for one user text.
            if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "user" and value.args:
                try:
                    body[keyword.arg] = [{"role": "user", "content": [{"text": literal(value.args[0], names)}]}]
                except (ValueError, SyntaxError, TypeError):
                    pass
                continue
            try:
                body[keyword.arg] = jsonable(literal(value, names))
            except (ValueError, SyntaxError, TypeError):
                continue
        if "messages" in body:
            bodies.append(json.dumps(body).encode())
    # The agent loop of the tool test, and structured output, which the tests build at run time.
    spec = {"toolSpec": {"name": "get_forecast", "description": "The forecast", "inputSchema": {"json": {"type": "object"}}}}
    bodies.append(json.dumps({
        "system": [{"text": "Be brief."}, {"cachePoint": {"type": "default"}}],
        "messages": [
            {"role": "user", "content": [{"text": "What is the forecast for Oslo?"}, {"image": {"format": "png", "source": {"bytes": "iVBORw=="}}}]},
            {"role": "assistant", "content": [{"text": "Checking."}, {"toolUse": {"toolUseId": "tooluse_forecast", "name": "get_forecast", "input": {"city": "Oslo"}}}]},
            {"role": "user", "content": [{"toolResult": {"toolUseId": "tooluse_forecast", "content": [{"text": "rain"}, {"json": {"mm": 3}}], "status": "success"}}]},
        ],
        "inferenceConfig": {"maxTokens": 64, "temperature": 0.2, "topP": 0.9, "stopSequences": ["END"]},
        "toolConfig": {"tools": [spec, {"cachePoint": {"type": "default"}}], "toolChoice": {"tool": {"name": "get_forecast"}}},
        "outputConfig": {"textFormat": {"type": "json_schema", "structure": {"jsonSchema": {"schema": "{\"type\": \"object\"}", "name": "w"}}}},
        "additionalModelRequestFields": {"top_k": 5},
    }).encode())
    # Reasoning sent back, as the reasoning tests send it after a first reply.
    bodies.append(json.dumps({
        "messages": [
            {"role": "user", "content": [{"text": "think"}]},
            {"role": "assistant", "content": [
                {"reasoningContent": {"reasoningText": {"text": "The user greets me.", "signature": "bHlyZWJpcmQ="}}},
                {"reasoningContent": {"redactedContent": "RW13S0FoZ0I="}},
                {"text": "Hello!"}]},
            {"role": "user", "content": [{"text": "hello"}]},
        ],
        "inferenceConfig": {"maxTokens": 4096},
        "additionalModelRequestFields": {"thinking": {"type": "enabled", "budget_tokens": 1024, "display": "omitted"},
                                         "reasoningConfig": {"type": "enabled", "maxReasoningEffort": "high"}},
    }).encode())
    tool = [{"name": "get_forecast", "input_schema": {"type": "object"}}]
    anthropic = [
        {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 100, "messages": [{"role": "user", "content": "hello"}], "system": "Be brief."},
        {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 100, "messages": [{"role": "user", "content": "forecast for Oslo?"}], "tools": tool},
        {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 100, "tools": tool, "tool_choice": {"type": "tool", "name": "get_forecast"},
         "messages": [{"role": "user", "content": "forecast?"},
                      {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "get_forecast", "input": {"city": "Oslo"}}]},
                      {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "rain"}]}]},
        {"inputText": "hello"},
    ]
    return bodies + [json.dumps(body).encode() for body in anthropic]


def admin_hosts():
    """Host and Origin pairs for fuzz-admin-access: the near misses and the allowed names that
    test_hardening.py sends, with and without ports and origins."""
    tree = ast.parse((ROOT / "Tests" / "conformance" / "test_hardening.py").read_text())
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(target, "id", "") == "NEAR_MISSES" for target in node.targets):
            names += [element.value for element in node.value.elts]
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "parametrize" and len(node.args) == 2:
            if isinstance(node.args[1], ast.List):
                names += [element.value for element in node.args[1].elts if isinstance(element, ast.Constant)]
    seeds = []
    for name in names:
        seeds.append(name.encode())
        seeds.append(f"{name}:8080".encode())
        seeds.append(f"{name}:8080\nhttp://{name}:8080".encode())
    seeds.append(b"127.0.0.1:8080\nhttp://dashboard.example:3000")
    seeds.append(b"localhost\nhttp://evil.example")
    return seeds


def websocket_frames():
    """Client frame sequences for fuzz-websocket-frames: a read size, then frames as clients
    send them (masked text, fragments with a ping between, long lengths), and unmasked ones."""

    def frame(opcode, payload, fin=True, masked=True):
        head = bytes([(0x80 if fin else 0) | opcode])
        bit = 0x80 if masked else 0
        if len(payload) < 126:
            head += bytes([bit | len(payload)])
        elif len(payload) < 65536:
            head += bytes([bit | 126]) + len(payload).to_bytes(2, "big")
        else:
            head += bytes([bit | 127]) + len(payload).to_bytes(8, "big")
        if not masked:
            return head + payload
        key = b"\x11\x22\x33\x44"
        return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))

    hello = json.dumps({"type": "response.create", "model": "gpt-4o", "input": "hi"}).encode()
    sequences = [
        frame(1, hello),
        frame(1, hello[:10], fin=False) + frame(9, b"ping") + frame(0, hello[10:]),
        frame(2, b"x" * 300) + frame(8, b"\x03\xe8bye"),
        frame(1, b"y" * 70000),
        frame(1, hello, masked=False),
        frame(1, b"") + frame(10, b""),
    ]
    return [bytes([size]) + sequence for sequence in sequences for size in (0, 1, 7)]


def bodies_for(bodies, *paths):
    return [body for path, body in bodies if path in paths]


def main():
    bodies = request_bodies()
    chat = bodies_for(bodies, CHAT)
    anthropic = [body for path, body in bodies if path.startswith(MESSAGES)]
    responses = bodies_for(bodies, RESPONSES)
    embeddings = bodies_for(bodies, EMBEDDINGS)
    completions = bodies_for(bodies, COMPLETIONS)
    gemini = bodies_for(bodies, GEMINI, GEMINI_STREAM, GEMINI_COUNT, GEMINI_EMBED, GEMINI_BATCH_EMBED) + gemini_sdk_bodies()
    ollama = bodies_for(bodies, OLLAMA_CHAT, OLLAMA_GENERATE, OLLAMA_EMBED, OLLAMA_EMBEDDINGS)
    bedrock = bodies_for(bodies, BEDROCK_CONVERSE, BEDROCK_INVOKE) + bedrock_sdk_bodies()
    fixtures = fixture_bodies(bodies)
    configs = [text.encode() for text in yaml_texts()]
    write("fuzz-json", chat + anthropic + plugin_json())
    write("fuzz-chat-decode", chat)
    write("fuzz-anthropic-decode", anthropic)
    write("fuzz-config", configs + fixtures)
    write("fuzz-lua-request", chat + anthropic)
    write("fuzz-lua-reply", lua_scripts())
    write("fuzz-lua-patterns", pattern_inputs())
    write("fuzz-regex", regex_inputs())
    write("fuzz-plugin-json", plugin_json())
    write("fuzz-host", host_requests(bodies, fixtures))
    write("fuzz-responses-decode", responses)
    write("fuzz-embeddings-decode", embeddings)
    write("fuzz-completions-decode", completions)
    write("fuzz-gemini-decode", gemini)
    write("fuzz-ollama-decode", ollama)
    write("fuzz-admin-access", admin_hosts())
    write("fuzz-websocket-frames", websocket_frames())
    write("fuzz-bedrock-decode", bedrock)


if __name__ == "__main__":
    main()
