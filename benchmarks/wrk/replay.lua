-- wrk script: replays pre-signed terminal requests written by id.lumbung.bench.load.WrkRequests.
--
--   wrk -t2 -c64 -d8s -s benchmarks/wrk/replay.lua http://127.0.0.1:PORT -- DIR BATCH_SIZE THREADS
--
-- Thread t loads DIR/requests-<t>.txt at init and sends its requests in order, one string per
-- request() with nothing built per request; after its last request it starts again at its first
-- (counted as "cycles": against the engine a second pass is a replay, answered 200, not 201).
-- init also grows LuaJIT's string table ahead (grow_string_table) so that it does not grow while
-- the thread sends.
--
-- wrk runs each thread's init on its main thread just before it starts that thread, and starts its
-- clock once every thread is started: thread 0 would send while thread 1 still loads, and those
-- answers would count in a run that did not time them (more for a run with more requests to load).
-- So no thread sends before the last one (THREADS - 1) has loaded: its init writes DIR/loaded, and
-- each thread's first request() on its own thread waits for that file.
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

local requests, count, next_index, batch_size, loaded_marker, all_loaded

-- LuaJIT interns every string in one hash table per thread and doubles it, rehashing every string
-- in one step on the thread that sends, when the count of strings passes its size. The requests
-- stay alive through the run, and every answer of the engine is a string of its own (its payment
-- id) until the collector frees it, so with 294,000 requests per thread the count passed 524,288
-- about 16 s into a wrk2 run at 28,000 req/s: the rehash took 120-136 ms, once per thread, and all
-- of the thread's connections sent nothing for that long while the engine had answered each
-- request within 16 ms (a packet capture of the run). wrk2 charges such a stall to every request
-- it delays: p99 84-154 ms. Interning 2^k short strings (2^k at least four times the requests, and
-- at least 2^20) and dropping them leaves the table with at least twice as many slots as requests
-- (a collection halves it while three quarters are free), room for the answers made between two
-- collections. Costs 0.4-2.8 s of init (20,000 to 800,000 requests), not timed, and 8-32 MB per
-- thread.
local function grow_string_table(live)
  local size = 1048576
  while size < 4 * live do size = size * 2 end
  local filler = {}
  for i = 1, size / 2 + 1 do filler[i] = "s" .. i end
  filler = nil
  collectgarbage("collect")
  collectgarbage("collect")
end

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
  grow_string_table(count)
  loaded_marker = dir .. "/loaded"
  if index == tonumber(args[3] or "1") - 1 then
    assert(io.open(loaded_marker, "wb")):close()
  end
  all_loaded = false
  next_index = 0
  cycles = 0
  status_keys = ""
  accepted = 0
  loaded_cpu_s = os.clock()
end

local ffi = require("ffi")
ffi.cdef("int usleep(unsigned int usec);")

-- sleeps in 1 ms steps: a waiting thread takes no core from the one still loading
local function await_all_loaded()
  while true do
    local f = io.open(loaded_marker, "rb")
    if f then f:close() return end
    ffi.C.usleep(1000)
  end
end

function request()
  -- thread 0's first request() is wrk's check of the script, on its main thread before it starts
  -- any thread: it must not wait
  if not all_loaded and (index > 0 or next_index > 0) then
    await_all_loaded()
    all_loaded = true
  end
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
