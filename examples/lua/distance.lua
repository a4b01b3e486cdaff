-- Uses native C functions from the geo extension (examples/LuaGeo) through libffi.
local cities = {
  paris = { 48.8566, 2.3522 },
  london = { 51.5072, -0.1276 },
  berlin = { 52.52, 13.405 },
}

function respond(req)
  local from, to = req.last_user:lower():match("from (%a+) to (%a+)")
  local a, b = cities[from], cities[to]
  if not (a and b) then
    return { error = { status = 400, message = "ask for the distance from one of paris, london, berlin to another" } }
  end
  local km = lyrebird.native.geo.haversine_km(a[1], a[2], b[1], b[2])
  local words = lyrebird.native.geo.word_count(req.last_user)
  return string.format("%s to %s is %.0f km (your question had %d words).", from, to, km, words)
end
