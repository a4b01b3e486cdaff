import FuzzSupport
import LyrebirdHost
import LyrebirdPluginAPI

/// The request-to-Lua conversion, and Lua values back to a reply, on any request body: a Lua
/// fixture reads every field of the request table and returns structures built from them, as
/// text and as tool-call arguments. Each body goes to chat completions and to the Anthropic
/// plugin's messages route. A body a decoder accepts must get a 2xx, never a 5xx.
let host = FuzzHosts.make(
    yaml: #"""
        settings: {script_threads: 1}
        fixtures:
          - name: echo-request
            reply:
              params: {mode: fuzz, nested: [1, {deep: true}]}
              lua_inline: |
                local function describe(value, depth)
                  if depth > 40 then return "..." end
                  if type(value) ~= "table" then return tostring(value) end
                  local parts = {}
                  for key, item in pairs(value) do
                    parts[#parts + 1] = tostring(key) .. "=" .. describe(item, depth + 1)
                  end
                  table.sort(parts)
                  return "{" .. table.concat(parts, ",") .. "}"
                end
                function respond(req, reply)
                  local text = {req.model, req.operation, req.conversation, req.last_user, req.system,
                    tostring(req.stream), tostring(req.n), describe(req.headers, 0), describe(req.params, 0)}
                  local calls = {}
                  for index, message in ipairs(req.messages) do
                    text[#text + 1] = message.role .. ":" .. tostring(message.content) .. ":" ..
                      tostring(message.name) .. ":" .. tostring(message.tool_call_id)
                    for _, call in ipairs(message.tool_calls or {}) do
                      calls[#calls + 1] = {name = call.name, arguments = call.arguments, id = "echo_" .. #calls}
                    end
                  end
                  for _, tool in ipairs(req.tools) do
                    calls[#calls + 1] = {name = tool.name, arguments = {description = tool.description, schema = tool.parameters}}
                  end
                  lyrebird.store.set("body", req.body)
                  local stored = lyrebird.store.get("body")
                  local again = lyrebird.json.decode(lyrebird.json.encode(req.body))
                  text[#text + 1] = describe(again, 0) .. describe(stored, 0)
                  reply:text(table.concat(text, "|"))
                  calls[#calls + 1] = {name = "body", arguments = req.body}
                  return {tool_calls = calls}
                end
        """#)

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let body = inputBytes(data, size)
    for path in ["/v1/chat/completions", "/v1/messages"] {
        let request = WireRequest(method: .post, path: path, headers: [Header(name: "x-lyrebird-conversation", value: "fuzz")], body: body)
        let response = blocking { await host.respond(to: request) }!
        WireChecks.requireWellFormed(response, request: body)
        require(
            response.status < 500, "\(path) answered \(response.status): \(excerpt(response.body)) for request \(excerpt(body))")
    }
    return 0
}

runFuzzer(testOneInput)
