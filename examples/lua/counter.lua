-- Stateful multi-turn: counts the turns of each conversation (the x-lyrebird-conversation
-- header, or the request's user field) and remembers the name the user gave.
function respond(req)
  local turns = (lyrebird.store.get("turns") or 0) + 1
  lyrebird.store.set("turns", turns)
  local name = req.last_user:match("my name is (%a+)")
  if name then
    lyrebird.store.set("name", name)
  end
  local known = lyrebird.store.get("name")
  if known then
    return string.format("Turn %d. Hello again, %s!", turns, known)
  end
  return string.format("Turn %d. What is your name?", turns)
end
