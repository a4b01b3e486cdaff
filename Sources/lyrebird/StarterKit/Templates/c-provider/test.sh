#!/bin/sh
# Serves the plugin and checks every route through a real server.
. "$(dirname "$0")/serve.sh"

body=$(curl -s "$URL/my-plugin/v1/generate" -d '{"model": "demo", "prompt": "hello"}')
check "a whole reply from a fixture" '"text":"Hello from my-plugin!","finish_reason":"stop"' "$body"
check "the model from the request" '"model":"demo"' "$body"

body=$(curl -sN "$URL/my-plugin/v1/generate" -d '{"model": "demo", "prompt": "hello", "stream": true}')
check "a streamed reply" 'event: text' "$body"
check "a stream ends with done" 'event: done' "$body"

body=$(curl -s -w ' %{http_code}' "$URL/my-plugin/v1/generate" -d '{"model": "demo"}')
check "a missing parameter is named" '{"error":{"message":"the request needs a prompt","param":"prompt"}} 400' "$body"

body=$(curl -s -w ' %{http_code}' "$URL/my-plugin/v1/generate" -d '{"model": "demo", "prompt": "fail"}')
check "a fixture error in this format's shape" '{"error":{"message":"slow down","param":null}} 429' "$body"

body=$(curl -s -w ' %{http_code}' "$URL/my-plugin/v1/models/demo")
check "a model the host knows" '{"id":"demo","owned_by":"lyrebird"} 200' "$body"
body=$(curl -s -w ' %{http_code}' "$URL/my-plugin/v1/models/nothing")
check "a model it does not" ' 404' "$body"

echo "all $checks checks passed"
