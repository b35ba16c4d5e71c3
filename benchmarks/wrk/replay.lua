-- wrk script: replays pre-signed terminal requests written by id.lumbung.bench.load.WrkRequests.
--
--   wrk -t2 -c64 -d8s -s benchmarks/wrk/replay.lua http://127.0.0.1:PORT -- DIR BATCH_SIZE
--
-- Thread t loads DIR/requests-<t>.txt at init and sends its requests in order, one string per
-- request() with nothing built per request; after its last request it starts again at its first
-- (counted as "cycles": against the engine a second pass is a replay, answered 200, not 201).
-- response() counts answers by status; a batch answer (200) whose items all read "status":201
-- counts BATCH_SIZE accepted payments, any other is counted item by item. done() prints one line
-- "WRK {json}": duration, requests, latency quantiles (µs), statuses, accepted payments, socket
-- errors, cycles, and wrk's own CPU seconds while sending (os.clock() after the last thread loaded
-- its requests to the end).
--
-- Runs under wrk2 as well (its -R rate: benchmarks/wrk2/build.sh). wrk2's thread:get copies a
-- table with keys and values swapped, so each status count is a global of its own
-- (status_<status>) and status_keys lists the statuses seen; done() reads them as scalars.
local threads = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

local requests, count, next_index, batch_size

function init(args)
  local dir = args[1]
  batch_size = tonumber(args[2] or "1")
  local f = assert(io.open(dir .. "/requests-" .. index .. ".txt", "rb"))
  count = tonumber(f:read("*l"))
  requests = {}
  for k = 1, count do
    local length = tonumber(f:read("*l"))
    requests[k] = f:read(length)
  end
  f:close()
  next_index = 0
  cycles = 0
  status_keys = ""
  accepted = 0
  loaded_cpu_s = os.clock()
end

function request()
  next_index = next_index + 1
  if next_index > count then
    next_index = 1
    cycles = cycles + 1
  end
  return requests[next_index]
end

local function global_of(key)
  return "status_" .. key:gsub("%W", "_")
end

local globals = {}

local function add(key, n)
  local name = globals[key]
  if not name then
    name = global_of(key)
    globals[key] = name
    _G[name] = 0
    status_keys = status_keys == "" and key or status_keys .. "," .. key
  end
  _G[name] = _G[name] + n
end

function response(status, headers, body)
  if batch_size > 1 and status == 200 and body:find('"results"', 1, true) then
    if not body:find('"status":[^2]') and not body:find('"status":20[^1]') then
      add("item 201", batch_size)
      accepted = accepted + batch_size
    else
      for item in body:gmatch('"status":(%d+)') do
        add("item " .. item, 1)
        if item == "201" then accepted = accepted + 1 end
      end
    end
  else
    add(tostring(status), 1)
    if status == 201 then accepted = accepted + 1 end
  end
end

local function json(v)
  if type(v) == "table" then
    local parts = {}
    for k, x in pairs(v) do parts[#parts + 1] = string.format("%q:%s", tostring(k), json(x)) end
    table.sort(parts)
    return "{" .. table.concat(parts, ",") .. "}"
  elseif type(v) == "string" then
    return string.format("%q", v)
  end
  return string.format("%.17g", v)
end

function done(summary, latency, requests_done)
  local all, total_accepted, total_cycles, loaded = {}, 0, 0, 0
  for _, t in ipairs(threads) do
    for k in t:get("status_keys"):gmatch("[^,]+") do all[k] = (all[k] or 0) + t:get(global_of(k)) end
    total_accepted = total_accepted + t:get("accepted")
    total_cycles = total_cycles + t:get("cycles")
    loaded = math.max(loaded, t:get("loaded_cpu_s"))
  end
  local e = summary.errors
  print("WRK " .. json({
    durationUs = summary.duration, requests = summary.requests, bytes = summary.bytes,
    latencyUs = {p50 = latency:percentile(50), p99 = latency:percentile(99), p999 = latency:percentile(99.9),
                 max = latency.max, mean = latency.mean},
    statuses = all, acceptedPayments = total_accepted, cycles = total_cycles,
    socketErrors = {connect = e.connect, read = e.read, write = e.write, timeout = e.timeout},
    generatorCpuS = os.clock() - loaded,
  }))
end
