#!/bin/sh
# Serves the plugin and calls it through the OpenAI chat route of a real server.
. "$(dirname "$0")/serve.sh"

body=$(curl -s "$URL/v1/chat/completions" -d '{"model": "demo", "messages": [{"role": "user", "content": "hello \"there\""}]}')
check "a whole reply" '"content":"You said: hello \"there\""' "$body"

body=$(curl -sN "$URL/v1/chat/completions" -d '{"model": "demo", "stream": true, "messages": [{"role": "user", "content": "hi"}]}')
check "a streamed reply" '"content":"You said: "' "$body"
check "the stream's end" 'data: [DONE]' "$body"

echo "all $checks checks passed"
