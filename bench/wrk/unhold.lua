-- call_unhold over HTTP, in either wire form: every request releases a distinct held
-- conversation that BenchServer prepared (ids: run letter, wrk thread number, 14 hex
-- digits, as BenchServer.id writes them).
-- Usage: wrk ... -s unhold.lua URL -- RUN_LETTER xml|json
local counter = 1
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

local run, form, n = "m", "xml", 0
function init(args)
  run = args[1] or "m"
  form = args[2] or "xml"
  wrk.method = "POST"
  wrk.headers["Content-Type"] = form == "json" and "application/json" or "application/xml"
  -- row 10: a session's token, sent as a bearer (the server then checks the session on every request)
  local token = os.getenv("CCARM_BENCH_TOKEN")
  if token and token ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. token
  end
end

local function body(id)
  if form == "json" then
    return '[{"_name":"in","_content":[{"_name":"request","_content":[{"_name":"call_unhold",'
      .. '"_attributes":{"conversation_id":"' .. id .. '"}}]}]}]'
  end
  return '<in><request><call_unhold conversation_id="' .. id .. '"/></request></in>'
end

-- (wrk calls request() once more on its first thread to check the script and never
-- sends that one: that thread's first conversation simply stays held.)
function request()
  local id = string.format("%s%d%014x", run, tid, n)
  n = n + 1
  return wrk.format(nil, nil, nil, body(id))
end
