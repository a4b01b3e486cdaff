-- A tool-calling agent that finishes its loop: first it asks for the weather tool, then,
-- once the conversation carries the tool's result, it answers with it.
function respond(req)
  local last = req.messages[#req.messages]
  if last.role == "tool" then
    local result = lyrebird.json.decode(last.content)
    return {
      content = string.format("It is %s and %d°C in %s.", result.conditions, result.temperature, result.city),
    }
  end
  local city = req.last_user:match("in (%a+)") or "Paris"
  return {
    tool_calls = {
      { name = "get_weather", arguments = { city = city } },
    },
  }
end
