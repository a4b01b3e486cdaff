-- A hand-driven stream: words with pauses between them, a tool call sent in fragments,
-- and, when asked, a provider error in the middle of the stream.
function respond(req, reply)
  for word in ("Let me look that up."):gmatch("%S+%s*") do
    reply:text(word)
    reply:pause(req.params.pause_ms or 5)
  end
  if req.last_user:find("fail") then
    reply:error({ status = 503, message = "the model fell over mid-stream" })
    return
  end
  local call = reply:tool_call_start("search")
  reply:tool_call_arguments(call, '{"query": ')
  reply:tool_call_arguments(call, lyrebird.json.encode(req.last_user))
  reply:tool_call_arguments(call, "}")
  reply:finish("tool_calls")
end
