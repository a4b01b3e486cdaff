-- Echo: answers with the last user message, optionally with a prefix from the fixture's params.
function respond(req)
  local prefix = req.params.prefix or "You said: "
  return prefix .. req.last_user
end
