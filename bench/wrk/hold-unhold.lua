-- The scaling rows: each wrk thread has exactly one connection (-t N -c N), so its
-- requests go out one after another. Thread t walks its share of a pool of SIZE free
-- conversations (indices t-1, t-1+N, ...), holding one then releasing it: every
-- answer is a 200 with a change, and the store keeps its size. A run may stop between
-- a hold and its release, so the warm-up (PHASE 0) and the measured run (PHASE 1) use
-- alternate slots of the share and never meet a conversation the other left held.
-- Usage: wrk -t N -c N ... -s hold-unhold.lua URL -- SIZE N PHASE
local counter = 1
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

local size, threads, phase, k, holding = 0, 0, 0, 0, true
function init(args)
  size = tonumber(args[1])
  threads = tonumber(args[2])
  phase = tonumber(args[3])
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/xml"
end

-- wrk calls request() once on its first thread to check the script, before any
-- connection, and never sends that request; answering it without moving on keeps
-- that thread's holds and releases in step.
local checked = false

function request()
  if tid == 1 and not checked then
    checked = true
    return wrk.format(nil, "/demo/service/cc/arm/call_hold", nil, "")
  end
  local slots = math.floor((math.floor((size - tid) / threads) + 1) / 2)
  local index = (tid - 1) + threads * (2 * (k % slots) + phase)
  local id = string.format("s%015d", index)
  local path, body
  if holding then
    path = "/demo/service/cc/arm/call_hold"
    body = '<in><request><call_hold conversation_id="' .. id .. '" operator_id="1001"/></request></in>'
  else
    path = "/demo/service/cc/arm/call_unhold"
    body = '<in><request><call_unhold conversation_id="' .. id .. '"/></request></in>'
    k = k + 1
  end
  holding = not holding
  return wrk.format(nil, path, nil, body)
end
