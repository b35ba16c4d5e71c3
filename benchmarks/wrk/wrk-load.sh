# Sourced by compare.sh and where-time-goes.sh: wrk replaying pre-signed requests against the
# server started through server-control.sh ($server_pid, $http_port). Needs $here (benchmarks/),
# $out (scratch directory) and gen_java (the java command with benchmarks.jar on its class path).
#
#   wrk_load LABEL MODE SECONDS REQUESTS [ROWS.jsonl]
#
# writes REQUESTS pre-signed requests (MODE single, or batch of 100) for WRK_THREADS threads
# (default 2), runs wrk with WRK_CONNECTIONS connections (default 64) for SECONDS, prints a summary
# line and, given ROWS.jsonl, appends the run as one JSON row in the load generator's shape (label,
# mode, answersPerS, paymentsPerS, latencyUs, outcomes, generatorCpuS, serverCpuS) plus
# generator "wrk", the CPU shares (CPU seconds / (wall seconds x CPUs)) and cycles (passes over
# the requests after the first: replays against the engine). wrk_answers_per_s holds the rate.
# The request files are deleted after the run (a batch run's are gigabytes). wrk_wrap: a command
# (array) that wrk runs under, such as perf stat.
wrk_threads="${WRK_THREADS:-2}"
wrk_connections="${WRK_CONNECTIONS:-64}"
wrk_answers_per_s=0
wrk_wrap=()

# Installs Debian's wrk when it is missing (benchmarks are run by hand, not in CI).
ensure_wrk() {
  command -v wrk >/dev/null && return 0
  echo "== installing wrk (apt-get)"
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
}

wrk_load() {
  local label="$1" mode="$2" seconds="$3" requests="$4" rows="${5:-}"
  local dir="$out/wrk-$label" batch=1
  [[ "$mode" == batch ]] && batch=100
  rm -rf "$dir"
  "${gen_java[@]}" id.lumbung.bench.load.WrkRequests --out "$dir" --mode "$mode" --batch-size "$batch" \
      --requests "$requests" --threads "$wrk_threads" >/dev/null
  local before after
  before="$(awk '{print $14 + $15}' "/proc/$server_pid/stat")"
  "${wrk_wrap[@]}" wrk -t"$wrk_threads" -c"$wrk_connections" -d"${seconds}s" -s "$here/wrk/replay.lua" "http://127.0.0.1:$http_port" \
      -- "$dir" "$batch" > "$dir.log" 2>&1 || { cat "$dir.log"; return 1; }
  after="$(awk '{print $14 + $15}' "/proc/$server_pid/stat")"
  rm -rf "$dir"
  wrk_answers_per_s="$(python3 - "$dir.log" "$label" "$mode" "$batch" "$seconds" "$wrk_threads" "$wrk_connections" \
      "$(( after - before ))" "$(getconf CLK_TCK)" "$(nproc)" "$rows" <<'PY'
import json, sys
log, label, mode, batch, seconds, threads, conns, ticks, tck, cpus, rows = sys.argv[1:]
line = next((l for l in open(log) if l.startswith("WRK ")), None)
if line is None:
    sys.exit(f"wrk_load: no WRK line in {log}:\n" + open(log).read())
w = json.loads(line[4:])
wall = w["durationUs"] / 1e6
outcomes = {k: int(v) for k, v in w["statuses"].items()}
outcomes.update({f"client:{k}": int(v) for k, v in w["socketErrors"].items() if v})
server_cpu = int(ticks) / int(tck)
row = {"label": label, "generator": "wrk", "mode": mode, "batchSize": int(batch), "rateTargetPerS": 0,
       "threads": int(threads), "connections": int(conns), "durationS": int(seconds), "wallS": round(wall, 3),
       "answers": int(w["requests"]), "answersPerS": round(w["requests"] / wall),
       "paymentsPerS": round(w["acceptedPayments"] / wall),
       "latencyUs": {k: round(w["latencyUs"][k]) for k in ("p50", "p99", "p999", "max")},
       "outcomes": outcomes, "cycles": int(w["cycles"]),
       "generatorCpuS": round(w["generatorCpuS"], 2), "generatorCpuShare": round(w["generatorCpuS"] / (wall * int(cpus)), 3),
       "serverCpuS": round(server_cpu, 2), "serverCpuShare": round(server_cpu / (wall * int(cpus)), 3)}
bad = {k: v for k, v in outcomes.items() if k not in ("201", "item 201")}
print(f"wrk {label}: {row['answersPerS']:,} req/s, {row['paymentsPerS']:,} payments/s, latency µs p50 {row['latencyUs']['p50']:,} "
      f"p99 {row['latencyUs']['p99']:,} max {row['latencyUs']['max']:,}; CPU share wrk {row['generatorCpuShare']:.0%}, "
      f"server {row['serverCpuShare']:.0%}; not 201: {bad or 'none'}; cycles {row['cycles']}", file=sys.stderr)
if rows:
    open(rows, "a").write(json.dumps(row) + "\n")
print(row["answersPerS"])
PY
)"
}
