#!/usr/bin/env bash
# Where the engine's time per single post goes, beside the no-op server's per request: each server
# under wrk single posts (benchmarks/wrk/replay.lua, pre-signed requests; WRK_THREADS threads,
# WRK_CONNECTIONS connections) for WARM_S seconds of warm-up, then LOAD_S measured seconds, over
# which it prints per server thread (grouped by name as /proc/<pid>/task/*/comm gives it): CPU
# seconds, CPU µs per request (and of it user and kernel), voluntary and involuntary context switches per request
# (benchmarks/proc-threads.py), and, when perf works here, `perf stat -e
# task-clock,context-switches,cpu-migrations` per request for the whole server process and for
# wrk (wrk's figures include loading its request files). Then the difference per request, engine
# minus no-op. Per thread also the time it was runnable but waited for a core (schedstat), and for
# the engine its journal forces over the run (from its /metrics before and after): forces per
# request, payments per force, mean force time, and the writer's time inside forces per request.
# `sync` durability. Records the run through record-result.py.
#
#   benchmarks/where-time-goes.sh     (env: WARM_S default 5, LOAD_S default 8, WRK_THREADS 2,
#                                      WRK_CONNECTIONS 64, ENGINE_JAVA_OPTS extra engine JVM options,
#                                      SKIP_BUILD=1)
#
# Everything targets 127.0.0.1; only processes this script started are stopped, by pid.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
warm_s="${WARM_S:-5}"
load_s="${LOAD_S:-8}"
out="${OUT:-$(mktemp -d /tmp/lumbung-where.XXXXXX)}"
mkdir -p "$out"
# shellcheck source=benchmarks/server-control.sh
source "$here/server-control.sh"
# shellcheck source=benchmarks/wrk/wrk-load.sh
source "$here/wrk/wrk-load.sh"
ensure_wrk

bench_jars
"${gen_java[@]}" id.lumbung.bench.load.ReferenceWriter --dir "$out/ref" --coops 10 --traders 1000 --terminals 1000

perf_ok=0
if command -v perf >/dev/null && perf stat -e task-clock -x, -o /dev/null -- true 2>/dev/null; then
  perf_ok=1
fi
echo "perf stat: $([[ $perf_ok == 1 ]] && echo works || echo "not available (perf_event_paranoid $(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null))")"
perf_events=task-clock,context-switches,cpu-migrations

# measure NAME REQUESTS: warm-up, then the measured wrk run under /proc snapshots and perf stat;
# writes $out/NAME.json ({wrk row, threads, perf {server, wrk}})
measure() {
  local name="$1" requests="$2" perf_pid=""
  wrk_load "$name-warmup" single "$warm_s" "$(( warm_s * 150000 ))"
  : > "$out/$name.row"
  [[ -n "$ops_port" ]] && curl -fs "http://127.0.0.1:$ops_port/metrics" > "$out/$name.metrics-before"
  "$here/proc-threads.py" snapshot "$server_pid" > "$out/$name.before"
  if [[ $perf_ok == 1 ]]; then
    perf stat -e "$perf_events" -x, -o "$out/$name.perf-server" -p "$server_pid" &
    perf_pid=$!
    wrk_wrap=(perf stat -e "$perf_events" -x, -o "$out/$name.perf-wrk" --)
  fi
  wrk_load "$name" single "$load_s" "$requests" "$out/$name.row"
  wrk_wrap=()
  "$here/proc-threads.py" snapshot "$server_pid" > "$out/$name.after"
  [[ -n "$ops_port" ]] && curl -fs "http://127.0.0.1:$ops_port/metrics" > "$out/$name.metrics-after"
  if [[ -n "$perf_pid" ]]; then
    kill -INT "$perf_pid"; wait "$perf_pid" || true
  fi
  "$here/proc-threads.py" diff "$out/$name.before" "$out/$name.after" \
      "$(python3 -c "import json,sys; print(json.loads(open(sys.argv[1]).read())['answers'])" "$out/$name.row")" > "$out/$name.threads"
  python3 - "$out" "$name" <<'PY'
import json, sys, pathlib
out, name = pathlib.Path(sys.argv[1]), sys.argv[2]
row = json.loads((out / f"{name}.row").read_text())
result = {"wrk": row, "threads": json.loads((out / f"{name}.threads").read_text()), "perf": {}}
for who in ("server", "wrk"):
    f = out / f"{name}.perf-{who}"
    if f.exists():
        events = {}
        for line in f.read_text().splitlines():
            parts = line.split(",")
            if len(parts) > 2 and parts[2] and not line.startswith("#"):
                try:
                    events[parts[2]] = float(parts[0])
                except ValueError:  # "<not counted>"
                    pass
        per = {k: round(v * (1000 if k == "task-clock" else 1) / row["answers"], 3) for k, v in events.items()}
        # task-clock is in ms: per request in µs
        result["perf"][who] = {"total": events, "perRequest": {("task-clock-us" if k == "task-clock" else k): v for k, v in per.items()}}
def counters(path):
    found = {}
    for line in path.read_text().splitlines():
        for k in ("lumbung_journal_sync_latency_seconds_count", "lumbung_journal_sync_latency_seconds_sum",
                  "lumbung_journal_group_commit_entries_count", "lumbung_journal_group_commit_entries_sum"):
            if line.startswith(k + " "):
                found[k] = float(line.split()[1])
    return found
if (out / f"{name}.metrics-after").exists():
    a, b = counters(out / f"{name}.metrics-before"), counters(out / f"{name}.metrics-after")
    d = {k: b[k] - a.get(k, 0) for k in b}
    forces = d["lumbung_journal_sync_latency_seconds_count"]
    if forces > 0:
        result["journal"] = {"forces": int(forces), "forcesPerRequest": round(forces / row["answers"], 4),
                             "paymentsPerForce": round(d["lumbung_journal_group_commit_entries_sum"]
                                                       / d["lumbung_journal_group_commit_entries_count"], 1),
                             "forceUsMean": round(d["lumbung_journal_sync_latency_seconds_sum"] * 1e6 / forces, 1),
                             "forceUsPerRequest": round(d["lumbung_journal_sync_latency_seconds_sum"] * 1e6 / row["answers"], 2)}
(out / f"{name}.json").write_text(json.dumps(result))
PY
}

echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg)  (the box is shared)"
read -r -a engine_opts <<< "${ENGINE_JAVA_OPTS:-}"
start_engine "$engine_jar" "$out/engine-data" "${engine_opts[@]}"
echo "== engine pid $server_pid"
measure engine "$(( 200000 * load_s ))"  # unique requests for up to 200 k/s: a second pass would be replays
stop_server
start_noop_server "$out/noop.log"
echo "== no-op server pid $server_pid"
measure noop 400000
stop_server
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$out" > "$out/figures.json" <<'PY'
import json, sys, pathlib
out = pathlib.Path(sys.argv[1])
e, n = (json.loads((out / f"{x}.json").read_text()) for x in ("engine", "noop"))
print(json.dumps({"engine": e, "noop": n}))
PY
python3 - "$out/figures.json" "$(nproc)" <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))
cpus = int(sys.argv[2])
e, n = f["engine"], f["noop"]
for who, r in (("engine", e), ("no-op server", n)):
    w = r["wrk"]
    print(f"\n{who}: {w['answersPerS']:,} req/s, {w['answers']:,} requests in {w['wallS']} s, p50 {w['latencyUs']['p50']:,} µs, "
          f"p99 {w['latencyUs']['p99']:,} µs; CPU share wrk {w['generatorCpuShare']:.0%}, server {w['serverCpuShare']:.0%}; "
          f"not 201: {({k: v for k, v in w['outcomes'].items() if k != '201'}) or 'none'}")
    print("| thread (comm) | threads | CPU s | CPU µs/request | of it user | of it kernel | voluntary cs/request | involuntary cs/request |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for t in r["threads"]["threads"] + [r["threads"]["total"]]:
        print(f"| {t['name']} | {t['count']} | {t['cpuS']} | {t['cpuUsPerRequest']} | {t['userUsPerRequest']} | {t['systemUsPerRequest']} "
              f"| {t['voluntaryPerRequest']} | {t['involuntaryPerRequest']} |")
print("\nper request, side by side")
print("| measure | engine | no-op server | engine - no-op |")
print("|---|---:|---:|---:|")
et, nt = e["threads"]["total"], n["threads"]["total"]
for k, label in (("cpuUsPerRequest", "server CPU µs (/proc, all threads)"), ("voluntaryPerRequest", "server voluntary context switches"),
                 ("involuntaryPerRequest", "server involuntary context switches")):
    print(f"| {label} | {et[k]} | {nt[k]} | {et[k] - nt[k]:.3f} |")
for who in ("server", "wrk"):
    pe, pn = e["perf"].get(who, {}).get("perRequest", {}), n["perf"].get(who, {}).get("perRequest", {})
    for k in sorted(set(pe) & set(pn)):
        print(f"| perf {who} {k} | {pe[k]} | {pn[k]} | {pe[k] - pn[k]:.3f} |")
def machine_us(r): return r["wrk"]["wallS"] * cpus * 1e6 / r["wrk"]["answers"]
print(f"| machine time per request, µs (CPUs x wall / requests) | {machine_us(e):.2f} | {machine_us(n):.2f} | {machine_us(e) - machine_us(n):.2f} |")
PY
python3 "$here/record-result.py" where-time-goes \
    --command "WARM_S=$warm_s LOAD_S=$load_s WRK_THREADS=$wrk_threads WRK_CONNECTIONS=$wrk_connections benchmarks/where-time-goes.sh" \
    --load "{\"warmS\": $warm_s, \"loadS\": $load_s, \"generator\": \"wrk\", \"threads\": $wrk_threads, \"connections\": $wrk_connections, \"mode\": \"single\", \"durability\": \"sync\"}" \
    --figures "@$out/figures.json"
echo "(raw data: $out)"
