# Sourced by compare.sh and where-time-goes.sh: wrk replaying pre-signed requests against the
# server started through server-control.sh ($server_pid, $http_port). Needs $here (benchmarks/),
# $out (scratch directory) and gen_java (the java command with benchmarks.jar on its class path).
#
#   wrk_load LABEL MODE SECONDS REQUESTS [ROWS.jsonl] [RATE]
#
# writes REQUESTS pre-signed requests (MODE single, or batch of 100) for WRK_THREADS threads
# (default 2), runs wrk with WRK_CONNECTIONS connections (default 64) for SECONDS, prints a summary
# line and, given ROWS.jsonl, appends the run as one JSON row in the load generator's shape (label,
# mode, answersPerS, paymentsPerS, latencyUs, outcomes, generatorCpuS, serverCpuS) plus
# generator "wrk", the CPU shares (CPU seconds / (wall seconds x CPUs)) and cycles (passes over
# the requests after the first: replays against the engine). wrk_answers_per_s holds the rate.
# The request files are deleted after the run (a batch run's are gigabytes). wrk_wrap: a command
# (array) that wrk runs under, such as perf stat.
#
# With a RATE (requests/s), the run is wrk2's (benchmarks/wrk2/build.sh, ensure_wrk2) at that
# constant rate: latency counts from the time wrk2's plan meant to send each request, so a stall is
# charged to every request it delayed (coordinated omission corrected). wrk2 records no latency in
# its first 10 s (its calibration, plus 5 ms per connection of a thread), so the run lasts
# SECONDS + 11 and latencies cover the last SECONDS; REQUESTS must cover the whole run. When
# $ops_port is set (the engine), the engine's own answer latency over that same window
# (lumbung_ingest_latency_seconds, scraped when the calibration ends and at the end) goes in the
# row as engineLatencyMs.
wrk_threads="${WRK_THREADS:-2}"
wrk_connections="${WRK_CONNECTIONS:-64}"
wrk_answers_per_s=0
wrk_wrap=()
wrk2_bin=""
wrk2_calibration_s=11

# Installs Debian's wrk when it is missing (benchmarks are run by hand, not in CI).
ensure_wrk() {
  command -v wrk >/dev/null && return 0
  echo "== installing wrk (apt-get)"
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
}

# Sets wrk2_bin to wrk2, building it when it can (benchmarks/wrk2/build.sh); returns 1 when it cannot.
ensure_wrk2() {
  [[ -n "$wrk2_bin" ]] && return 0
  wrk2_bin="$("$here/wrk2/build.sh")" || { wrk2_bin=""; return 1; }
}

wrk_load() {
  local label="$1" mode="$2" seconds="$3" requests="$4" rows="${5:-}" rate="${6:-0}"
  local dir="$out/wrk-$label" batch=1
  [[ "$mode" == batch ]] && batch=100
  rm -rf "$dir"
  "${gen_java[@]}" id.lumbung.bench.load.WrkRequests --out "$dir" --mode "$mode" --batch-size "$batch" \
      --requests "$requests" --threads "$wrk_threads" >/dev/null
  local tool=(wrk) run_s="$seconds" scraper="" quantiles='{"count": 0}'
  if (( rate > 0 )); then
    tool=("$wrk2_bin" -R"$rate")
    run_s=$(( seconds + wrk2_calibration_s ))
    if [[ -n "$ops_port" ]]; then
      (sleep "$wrk2_calibration_s"; curl -fs "http://127.0.0.1:$ops_port/metrics" > "$dir.metrics-start" || true) &
      scraper=$!
    fi
  fi
  local before after
  before="$(awk '{print $14 + $15}' "/proc/$server_pid/stat")"
  "${wrk_wrap[@]}" "${tool[@]}" -t"$wrk_threads" -c"$wrk_connections" -d"${run_s}s" -s "$here/wrk/replay.lua" "http://127.0.0.1:$http_port" \
      -- "$dir" "$batch" "$wrk_threads" > "$dir.log" 2>&1 || { cat "$dir.log"; return 1; }
  after="$(awk '{print $14 + $15}' "/proc/$server_pid/stat")"
  if [[ -n "$scraper" ]]; then
    curl -fs "http://127.0.0.1:$ops_port/metrics" > "$dir.metrics-end" || true
    wait "$scraper" || true
    [[ -s "$dir.metrics-start" && -s "$dir.metrics-end" ]] && quantiles="$("$here/engine-quantiles.py" \
        lumbung_ingest_latency_seconds "$dir.metrics-start" "$dir.metrics-end" channel=http)"
  fi
  rm -rf "$dir"
  wrk_answers_per_s="$(python3 - "$dir.log" "$label" "$mode" "$batch" "$seconds" "$wrk_threads" "$wrk_connections" \
      "$(( after - before ))" "$(getconf CLK_TCK)" "$(nproc)" "$rows" "$rate" "$quantiles" <<'PY'
import json, sys
log, label, mode, batch, seconds, threads, conns, ticks, tck, cpus, rows, rate, quantiles = sys.argv[1:]
rate, quantiles = int(rate), json.loads(quantiles)
line = next((l for l in open(log) if l.startswith("WRK ")), None)
if line is None:
    sys.exit(f"wrk_load: no WRK line in {log}:\n" + open(log).read())
w = json.loads(line[4:])
wall = w["durationUs"] / 1e6
outcomes = {k: int(v) for k, v in w["statuses"].items()}
outcomes.update({f"client:{k}": int(v) for k, v in w["socketErrors"].items() if v})
server_cpu = int(ticks) / int(tck)
row = {"label": label, "generator": "wrk2" if rate else "wrk", "mode": mode, "batchSize": int(batch), "rateTargetPerS": rate,
       "threads": int(threads), "connections": int(conns), "durationS": int(seconds), "wallS": round(wall, 3),
       "answers": int(w["requests"]), "answersPerS": round(w["requests"] / wall),
       "paymentsPerS": round(w["acceptedPayments"] / wall),
       "latencyUs": {k: round(w["latencyUs"][k]) for k in ("p50", "p99", "p999", "max")},
       "outcomes": outcomes, "cycles": int(w["cycles"]),
       "generatorCpuS": round(w["generatorCpuS"], 2), "generatorCpuShare": round(w["generatorCpuS"] / (wall * int(cpus)), 3),
       "serverCpuS": round(server_cpu, 2), "serverCpuShare": round(server_cpu / (wall * int(cpus)), 3)}
if rate:
    row["latencyWindowS"] = int(seconds)  # wrk2's latencies: the run's last SECONDS, after its calibration
if quantiles["count"] > 0:
    row["engineLatencyMs"] = {"requests": quantiles["count"], "p50": round(quantiles["p50"], 2), "p99": round(quantiles["p99"], 2),
                              "p999": round(quantiles["p999"], 2)}
bad = {k: v for k, v in outcomes.items() if k not in ("201", "item 201")}
own = f"; engine's own ms p50 {quantiles['p50']:.2f} p99 {quantiles['p99']:.2f}" if quantiles["count"] > 0 else ""
print(f"{row['generator']} {label}: {row['answersPerS']:,} req/s, {row['paymentsPerS']:,} payments/s, latency µs p50 {row['latencyUs']['p50']:,} "
      f"p99 {row['latencyUs']['p99']:,} max {row['latencyUs']['max']:,}; CPU share wrk {row['generatorCpuShare']:.0%}, "
      f"server {row['serverCpuShare']:.0%}; not 201: {bad or 'none'}; cycles {row['cycles']}{own}", file=sys.stderr)
if rows:
    open(rows, "a").write(json.dumps(row) + "\n")
print(row["answersPerS"])
PY
)"
}
