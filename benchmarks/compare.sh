#!/usr/bin/env bash
# One command for Lumbung's end-to-end load figures (the "compare" table of benchmarks/RESULTS.md):
#   build; reference data (1000 terminals); engine (sync durability) under wrk (the light generator:
#   pre-signed requests replayed by benchmarks/wrk/replay.lua, WRK_THREADS threads, WRK_CONNECTIONS
#   connections, WRK_S measured seconds after WRK_WARM_S of warm-up) with single posts, then the
#   Java load generator (the second column) with single posts at max rate and right away an open
#   loop at half wrk's single-post max for p99 (coordinated omission corrected), and wrk2 at that
#   same constant rate (the light open loop: benchmarks/wrk2/build.sh builds it, Debian has no
#   package; skipped, and said, when it cannot be built); wrk with batch posts (100 per request),
#   the Java generator with batch posts, then single posts at max again; the same single and batch loads, wrk and Java, on the no-op HTTP server; PostgreSQL (one transaction
#   per payment); and the no-op server at the half rate, Java and wrk2 (each generator's own p99
#   floor: it shares the 2 cores; the Java generator's GC pauses count as latency, and wrk2 paces
#   with millisecond timers); then a table with the ratios and
#   the targets.
#
#   benchmarks/compare.sh            (env: LOAD_S measured seconds per run, default 10; WARM_S warm-up, default 20;
#                                     BATCH_CONNECTIONS for the batch runs, default 16
#                                     (an open loop needs it: generator and engine JIT on the same 2 cores);
#                                     CONNECTIONS for single runs, default 128; JFR=1 records the engine
#                                     during the Java generator's max-rate single run into $OUT/engine-single.jfr;
#                                     WRK_S measured seconds per wrk run, default 8; WRK_WARM_S, default 5;
#                                     WRK_THREADS, default 2; WRK_CONNECTIONS, default 64; SKIP_BUILD=1)
#
# Each run prints its generator's CPU share (its CPU seconds / (wall seconds x CPUs)) and the server's.
#
# Everything targets 127.0.0.1; every run is bounded (warm-up + measure <= 30 s); only processes this
# script started are stopped, by pid. The load generator and the server share this box's CPUs.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
load_s="${LOAD_S:-10}"
warm_s="${WARM_S:-20}"
connections="${CONNECTIONS:-128}"
batch_connections="${BATCH_CONNECTIONS:-16}"
out="${OUT:-$(mktemp -d /tmp/lumbung-compare.XXXXXX)}"
wrk_s="${WRK_S:-8}"
wrk_warm_s="${WRK_WARM_S:-5}"
mkdir -p "$out"
results="$out/results.jsonl"
ops_port=""
: > "$results"
# shellcheck source=benchmarks/server-control.sh
source "$here/server-control.sh"
# shellcheck source=benchmarks/wrk/wrk-load.sh
source "$here/wrk/wrk-load.sh"
ensure_wrk
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
clk_tck="$(getconf CLK_TCK)"

# The generator runs the serial collector (bench_jars): with G1 on this shared 2-core box an
# open-loop generator offered 14,651 req/s got stuck in its warm-up (300-8,800 answers/s, 20,000
# requests queued in its client) even against the no-op server, and that backlog drained into the
# measured window as a 1.2 s p99; with -XX:+UseSerialGC it caught up within 5 s and its p99 against
# the no-op server was 6.1 ms. The engine keeps the JVM's default collector.
bench_jars

echo "== reference data: 10 coops, 1000 traders, 1000 terminals"
"${gen_java[@]}" id.lumbung.bench.load.ReferenceWriter --dir "$out/ref" --coops 10 --traders 1000 --terminals 1000

load() { # $1 = label, $2.. = generator options; records server CPU seconds over the whole run, and for the
  # engine its own answer latency over the measured window (lumbung_ingest_latency_seconds, scraped at
  # the end of the warm-up and at the end): what the engine adds, without the generator's own delays
  local label="$1"; shift
  echo "== load: $label ($*)"
  local before; before="$(cpu_ticks "$server_pid")"
  local scraper=""
  if [[ -n "$ops_port" ]]; then
    (sleep "$warm_s"; curl -fs "http://127.0.0.1:$ops_port/metrics" > "$out/$label.metrics-start" || true) &
    scraper=$!
  fi
  "${gen_java[@]}" id.lumbung.bench.load.LoadGenerator --port "$http_port" --label "$label" \
      --warmup-s "$warm_s" --duration-s "$load_s" --json-out "$out/$label.json" "$@" | grep -v '^JSON '
  local after; after="$(cpu_ticks "$server_pid")"
  if [[ -n "$scraper" ]]; then
    curl -fs "http://127.0.0.1:$ops_port/metrics" > "$out/$label.metrics-end" || true
    wait "$scraper" || true
  fi
  local quantiles='{"count": 0}'
  if [[ -f "$out/$label.metrics-start" && -f "$out/$label.metrics-end" ]]; then
    quantiles="$("$here/engine-quantiles.py" lumbung_ingest_latency_seconds "$out/$label.metrics-start" \
        "$out/$label.metrics-end" channel=http)"
  fi
  python3 - "$out/$label.json" "$(( after - before ))" "$clk_tck" "$results" "$quantiles" <<'PY'
import json, sys
path, ticks, tck, results, quantiles = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], json.loads(sys.argv[5])
r = json.loads(open(path).read().strip().splitlines()[-1])
r["serverCpuS"] = round(ticks / tck, 2)   # warm-up + measure + drain, not only the window
if quantiles["count"] > 0:
    r["engineLatencyMs"] = {"requests": quantiles["count"], "p50": round(quantiles["p50"], 2), "p99": round(quantiles["p99"], 2),
                            "p999": round(quantiles["p999"], 2)}
    print(f"engine-side answer latency over the window: p50 {r['engineLatencyMs']['p50']} ms, "
          f"p99 {r['engineLatencyMs']['p99']} ms, p99.9 {r['engineLatencyMs']['p999']} ms ({quantiles['count']} requests)")
open(results, "a").write(json.dumps(r) + "\n")
print(f"server CPU {r['serverCpuS']} s over the run (warm-up included)")
PY
}

echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg)  (the box is shared)"

# ENGINE_JAVA_OPTS: extra JVM options for the engine (for example a collector choice)
read -r -a engine_opts <<< "${ENGINE_JAVA_OPTS:-}"
# the run posts about 20 M payments into one engine and never closes (more on a faster box): under
# the default bound of 20 M retained payments its last rows would be refused (503
# JOURNAL_UNAVAILABLE in engine-single-after-batch)
printf 'idempotency.payments.max=40000000\n' > "$out/engine.properties"
ENGINE_CONFIG="$out/engine.properties" start_engine "$engine_jar" "$out/engine-data" "${engine_opts[@]}"
echo "engine pid $server_pid ready on 127.0.0.1:$http_port (data $out/engine-data, log $out/engine-data.log)"
# wrk: a warm-up with its own requests (sized for 150 k/s; a faster engine cycles through them, and
# its replays still warm the HTTP path), then the measured run with enough requests for 4 times the
# warm-up's rate, and for at least 200 k/s (a cold warm-up runs at a fraction of the warm rate):
# every one unique, since a second pass would be replays, answered 200 and reported
echo "== wrk: engine, single posts ($wrk_threads threads, $wrk_connections connections, ${wrk_warm_s} s warm-up, ${wrk_s} s)"
wrk_load wrk-engine-warmup single "$wrk_warm_s" "$(( wrk_warm_s * 150000 ))"
wrk_load wrk-engine-single single "$wrk_s" "$(( (wrk_answers_per_s * 4 > 200000 ? wrk_answers_per_s * 4 : 200000) * wrk_s ))" "$results"
wrk_single_max="$wrk_answers_per_s"
if [[ "${JFR:-0}" == 1 ]]; then  # its measured window: after the generator's start and warm-up
  jcmd "$server_pid" JFR.start delay="$(( warm_s + 1 ))s" duration="${load_s}s" filename="$out/engine-single.jfr" settings=profile >/dev/null
fi
load engine-single --mode single --rate 0 --connections "$connections" --depth 1
# open loop at half the single-post maximum wrk measured, right after it on the same (warm) engine, so
# that the maximum and the half rate see the same engine: a fresh JVM would spend the window
# compiling, and after the batch phase (millions more retained payments, a longer journal) the
# engine's single-post maximum is lower (engine-single-after-batch), so half of the earlier
# maximum would no longer be half
# (the Java generator's open loop: it measures from each request's intended send time, so a stall
# is charged to every request it delayed)
half_rate="$(( wrk_single_max / 2 > 0 ? wrk_single_max / 2 : 1 ))"
load engine-half-rate --mode single --rate "$half_rate" --connections "$connections" --depth 1
# the same rate from wrk2 (unique requests for its calibration and the measured window), with the
# engine's own histogram over its measured window
wrk2_ok=0
if ensure_wrk2; then
  wrk2_ok=1
  wrk_load wrk2-engine-half-rate single "$wrk_s" "$(( half_rate * (wrk_s + wrk2_calibration_s + 2) ))" "$results" "$half_rate"
else
  echo "== wrk2 could not be built (benchmarks/wrk2/build.sh): no wrk2 rows in this run"
fi
echo "== wrk: engine, batches of 100"
wrk_load wrk-engine-batch-warmup batch "$wrk_warm_s" "$(( wrk_warm_s * 3000 ))"
# (batch requests are 15 kB each: 3 times the warm-up's rate, at least 12 k requests/s)
wrk_load wrk-engine-batch batch "$wrk_s" "$(( (wrk_answers_per_s * 3 > 12000 ? wrk_answers_per_s * 3 : 12000) * wrk_s ))" "$results"
load engine-batch --mode batch --batch-size 100 --rate 0 --connections "$batch_connections" --depth 1
load engine-single-after-batch --mode single --rate 0 --connections "$connections" --depth 1
stop_server

start_noop_server "$out/noop.log"
echo "noop server pid $server_pid on 127.0.0.1:$http_port"
# the no-op server checks nothing: wrk may cycle through its requests (fewer to write and load)
echo "== wrk: no-op server, single posts and batches of 100"
wrk_load wrk-noop-warmup single "$wrk_warm_s" 200000
wrk_load wrk-noop-single single "$wrk_s" 400000 "$results"
wrk_load wrk-noop-batch batch "$wrk_s" 20000 "$results"
load noop-single --mode single --rate 0 --connections "$connections" --depth 1
# the same open-loop rate against the no-op server: the p99 floor of this generator on this box
load noop-half-rate --mode single --rate "$half_rate" --connections "$connections" --depth 1
[[ $wrk2_ok == 1 ]] && wrk_load wrk2-noop-half-rate single "$wrk_s" 400000 "$results" "$half_rate"
# the same batch load: the box's HTTP ceiling for batch bodies (the no-op server answers the
# engine's batch answer of 100 accepted items)
load noop-batch --mode batch --batch-size 100 --rate 0 --connections "$batch_connections" --depth 1
stop_server

echo "== PostgreSQL baseline"
"$here/pg-baseline.sh" --clients 8,32 --seconds "$load_s" --json-out "$results" | tee "$out/pg.log"

echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
wrk2_json=""  # the wrk2 runs' part of the record's load, when there were any
[[ $wrk2_ok == 1 ]] && wrk2_json=", \"wrk2\": {\"binary\": \"benchmarks/wrk2/build.sh\", \"ratePerS\": $half_rate, \"calibrationS\": $wrk2_calibration_s, \"measuredS\": $wrk_s}"
python3 "$here/record-result.py" compare --runs "$results" \
    --command "LOAD_S=$load_s WARM_S=$warm_s CONNECTIONS=$connections BATCH_CONNECTIONS=$batch_connections WRK_S=$wrk_s WRK_WARM_S=$wrk_warm_s WRK_THREADS=$wrk_threads WRK_CONNECTIONS=$wrk_connections benchmarks/compare.sh" \
    --load "{\"warmS\": $warm_s, \"loadS\": $load_s, \"connections\": $connections, \"batchConnections\": $batch_connections, \"batchSize\": 100, \"halfRatePerS\": $half_rate, \"durability\": \"sync\", \"generator\": \"LoadGenerator\", \"wrk\": {\"threads\": $wrk_threads, \"connections\": $wrk_connections, \"warmS\": $wrk_warm_s, \"durationS\": $wrk_s}$wrk2_json}"
python3 - "$results" "$(nproc)" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
cpus = int(sys.argv[2])
by = {r["label"]: r for r in rows if r.get("label") != "postgres"}
pg = max((r for r in rows if r.get("label") == "postgres"), key=lambda r: r["tps"])
es, eb, nz, eh, nh = by["engine-single"], by["engine-batch"], by["noop-single"], by["engine-half-rate"], by["noop-half-rate"]
nb = by["noop-batch"]
ea = by["engine-single-after-batch"]
ws, wb, wn, wnb = by["wrk-engine-single"], by["wrk-engine-batch"], by["wrk-noop-single"], by["wrk-noop-batch"]
we, wz = by.get("wrk2-engine-half-rate"), by.get("wrk2-noop-half-rate")  # None when wrk2 could not be built
def lat(r): return f'{r["latencyUs"]["p50"]:.0f} / {r["latencyUs"]["p99"]:.0f} / {r["latencyUs"]["p999"]:.0f} / {r["latencyUs"]["max"]:.0f}'
def errs(r): return ", ".join(f"{k}={v}" for k, v in r["outcomes"].items() if k not in ("201", "item 201")) or "none"
def shares(r):
    # the Java generator's CPU is over its measured window; wrk's over its run; the server's over the whole run
    if r.get("generator") in ("wrk", "wrk2"):
        return f'{r["generatorCpuShare"]:.0%}', f'{r["serverCpuShare"]:.0%}'
    return f'{r["generatorCpuS"] / (r["durationS"] * cpus):.0%}', "-"
print()
print("| run | generator | requests/s | payments/s | latency µs p50 / p99 / p99.9 / max | generator CPU share | server CPU share | errors |")
print("|---|---|---:|---:|---|---:|---:|---|")
for r in [x for x in (ws, es, eh, we, wb, eb, ea, wn, nz, nh, wz, wnb, nb) if x]:
    how = "rate " + str(r["rateTargetPerS"]) if r["rateTargetPerS"] else "closed loop"
    g, sv = shares(r)
    print(f'| {r["label"]} ({r["mode"]}, {how}, {r["connections"]} conn) | {r.get("generator", "java")} '
          f'| {r["answersPerS"]} | {r["paymentsPerS"]} | {lat(r)} | {g} | {sv} | {errs(r)} |')
print(f'| postgres (pgbench, {pg["clients"]} clients, 1 txn per payment) | pgbench | {pg["tps"]:.0f} | {pg["tps"]:.0f} | avg {pg["latencyAvgMs"]*1000:.0f} | - | - | - |')
print()
ratio_noop = ws["paymentsPerS"] / wn["paymentsPerS"]
ratio_noop_java = es["paymentsPerS"] / nz["paymentsPerS"]
ratio_pg = ws["paymentsPerS"] / pg["tps"]
p99 = eh["latencyUs"]["p99"]
def ok(b): return "met" if b else "NOT met"
print("| measure | value | target | |")
print("|---|---:|---:|---|")
print(f"| engine single / no-op server (wrk, one run) | {ratio_noop:.2f} | >= 0.6 | {ok(ratio_noop >= 0.6)} |")
print(f"| the same with the Java generator (it holds the no-op server below its limit) | {ratio_noop_java:.2f} | | |")
print(f"| engine single / PostgreSQL | {ratio_pg:.1f} | >= 6 | {ok(ratio_pg >= 6)} |")
print(f"| engine batch (100/request) payments/s (wrk) | {wb['paymentsPerS']} | >= 1,000,000 | {ok(wb['paymentsPerS'] >= 1_000_000)} |")
print(f"| engine batch / no-op server batch ({wnb['paymentsPerS']} payments/s, the box's HTTP ceiling for these bodies) | {wb['paymentsPerS'] / wnb['paymentsPerS']:.2f} | | |")
print(f"| p99 at half wrk's max single rate ({eh['rateTargetPerS']} req/s, open loop, CO-corrected) | {p99:.0f} µs | <= 2000 µs | {ok(p99 <= 2000)} |")
print(f"| the same rate against the no-op server (this generator's floor on this box) | {nh['latencyUs']['p99']:.0f} µs | | |")
if "engineLatencyMs" in eh:
    el = eh["engineLatencyMs"]
    print(f"| the engine's own p99 at that rate (request in to answer out, lumbung_ingest_latency_seconds) | {el['p99'] * 1000:.0f} µs | <= 2000 µs | {ok(el['p99'] <= 2)} |")
if we and wz:
    print(f"| p99 at that rate from wrk2 (constant rate, CO-corrected) | {we['latencyUs']['p99']:.0f} µs | <= 2000 µs | {ok(we['latencyUs']['p99'] <= 2000)} |")
    print(f"| the same rate from wrk2 against the no-op server (wrk2's floor on this box) | {wz['latencyUs']['p99']:.0f} µs | | |")
    if "engineLatencyMs" in we:
        print(f"| the engine's own p99 over wrk2's measured window | {we['engineLatencyMs']['p99'] * 1000:.0f} µs | <= 2000 µs | {ok(we['engineLatencyMs']['p99'] <= 2)} |")
print()
print("Note: load generator and server run on the same box and share its CPUs; see the CPU columns.")
# a run whose answers were not all accepted measured something else (a full disk answers 503 to
# everything, fast; a wrk run that cycled through its requests sent replays): say so, and fail,
# rather than print its rate as a result
bad = [r["label"] for r in (ws, es, eh, we, wb, eb, ea, wn, nz, nh, wz, wnb, nb) if r and errs(r) != "none"]
if bad:
    print(f"compare.sh: INVALID: not every answer was an acceptance in {', '.join(bad)} (see the errors column)", file=sys.stderr)
    sys.exit(3)
PY
echo "(raw results: $results; the run's record under benchmarks/results/)"
