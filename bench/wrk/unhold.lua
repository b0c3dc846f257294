-- call_unhold, XML over HTTP: every request releases a distinct held conversation
-- that BenchServer prepared (ids: run letter, wrk thread number, 14 hex digits).
-- Usage: wrk ... -s unhold-xml.lua URL -- RUN_LETTER
local counter = 1
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

local run, n = "m", 0
function init(args)
  run = args[1] or "m"
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/xml"
end

function request()
  local id = string.format("%s%d%014x", run, tid, n)
  n = n + 1
  return wrk.format(nil, nil, nil,
    '<in><request><call_unhold conversation_id="' .. id .. '"/></request></in>')
end
