#!/usr/bin/env bash
# Two engine builds side by side in one run, on the same reference data and the same box state:
#   benchmarks/ab-engine.sh OLD.jar NEW.jar
# For each jar in turn (A, B, then A, B again, so that drift in the shared box's load hits both):
# single posts closed loop at max rate, then open loop at half of that rate (p99, coordinated
# omission corrected), then batches of 100 over BATCH_CONNECTIONS. Prints a table and B/A ratios.
# env: LOAD_S (default 15), WARM_S (default 10), CONNECTIONS (128), BATCH_CONNECTIONS (64), ROUNDS (2),
#      OPTS_A / OPTS_B: JVM options for each side (the same jar twice compares JVM settings);
#      CONFIG_A / CONFIG_B: an engine properties file (--config) for each side (the same jar twice
#      compares settings); recorded with their contents.
# Loopback only; every run is bounded; only the engines this script started are stopped, by pid.
set -euo pipefail
[[ $# -eq 2 ]] || { echo "usage: $0 OLD.jar NEW.jar" >&2; exit 2; }
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar_a="$(realpath "$1")"; jar_b="$(realpath "$2")"
load_s="${LOAD_S:-15}"; warm_s="${WARM_S:-10}"; connections="${CONNECTIONS:-128}"
batch_connections="${BATCH_CONNECTIONS:-64}"; rounds="${ROUNDS:-2}"
out="${OUT:-$(mktemp -d /tmp/lumbung-ab.XXXXXX)}"; mkdir -p "$out"
results="$out/results.jsonl"; : > "$results"
# shellcheck source=benchmarks/server-control.sh
source "$here/server-control.sh"
bench_jars if-missing

"${gen_java[@]}" id.lumbung.bench.load.ReferenceWriter --dir "$out/ref" --coops 10 --traders 1000 --terminals 1000 >/dev/null

load() { # $1 label, rest generator options
  local label="$1"; shift
  "${gen_java[@]}" id.lumbung.bench.load.LoadGenerator --port "$http_port" --label "$label" --quiet \
      --warmup-s "$warm_s" --duration-s "$load_s" --json-out "$results" "$@" | grep -v '^JSON ' | grep -E 'payments/s|latency' || true
}

echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$rounds"); do
  for side in A B; do
    jar="$jar_a"; opts="${OPTS_A:-}"
    [[ $side == B ]] && { jar="$jar_b"; opts="${OPTS_B:-}"; }
    echo "== round $round engine $side ($jar${opts:+ with $opts})"
    read -r -a opt_args <<< "$opts"
    config="${CONFIG_A:-}"; [[ $side == B ]] && config="${CONFIG_B:-}"
    ENGINE_CONFIG="$config" start_engine "$jar" "$out/data-$side-$round" "${opt_args[@]}"
    load "$side-single-$round" --mode single --rate 0 --connections "$connections" --depth 1
    rate="$(python3 -c "import json; print(max(1, int([json.loads(l) for l in open('$results') if json.loads(l)['label']=='$side-single-$round'][0]['answersPerS'] / 2)))")"
    load "$side-half-$round" --mode single --rate "$rate" --connections "$connections" --depth 1
    # the engine's own view of the half-rate run: journal sync latency and GC pauses (max since start)
    curl -fs "http://127.0.0.1:$ops_port/metrics" > "$out/metrics-$side-$round.txt" || true
    grep -E '^(lumbung_journal_sync_latency_seconds_max|jvm_gc_pause_seconds_max|lumbung_ingest_latency_seconds_max)' \
        "$out/metrics-$side-$round.txt" | sed 's/^/   engine: /' || true
    load "$side-batch-$round" --mode batch --batch-size 100 --rate 0 --connections "$batch_connections" --depth 1
    stop_server
    rm -rf "$out/data-$side-$round"  # gigabytes of journal per run; the log stays
  done
done
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
# a run the engine refused payments in (a full disk answers 503) measured the refusal, not the engine
python3 - "$results" <<'PY' || exit 1
import json, sys
bad = {r["label"]: r["outcomes"] for r in (json.loads(l) for l in open(sys.argv[1]))
       if set(r["outcomes"]) - {"201", "item 201"} or not r["paymentsPerS"]}
if bad:
    sys.exit(f"ab-engine.sh: not recorded: answers other than 201 or no payments in {bad}")
PY
# the jars are named by path and SHA-256; the recorded commit is the checkout's (the generator's code)
load_json="$(python3 - "$jar_a" "$jar_b" "$load_s" "$warm_s" "$connections" "$batch_connections" "$rounds" \
    "${OPTS_A:-}" "${OPTS_B:-}" "${CONFIG_A:-}" "${CONFIG_B:-}" <<'PY'
import hashlib, json, sys
a, b, load_s, warm_s, conn, bconn, rounds, opts_a, opts_b, config_a, config_b = sys.argv[1:12]
sha = lambda p: hashlib.sha256(open(p, "rb").read()).hexdigest()
config = lambda p: open(p).read() if p else ""
print(json.dumps({"jarA": {"path": a, "sha256": sha(a), "jvmOptions": opts_a, "config": config(config_a)},
                  "jarB": {"path": b, "sha256": sha(b), "jvmOptions": opts_b, "config": config(config_b)},
                  "loadS": int(load_s), "warmS": int(warm_s), "connections": int(conn), "batchConnections": int(bconn),
                  "batchSize": 100, "rounds": int(rounds), "durability": "sync", "generator": "LoadGenerator"}))
PY
)"
python3 "$here/record-result.py" ab-engine --runs "$results" --load "$load_json" \
    --command "LOAD_S=$load_s WARM_S=$warm_s CONNECTIONS=$connections BATCH_CONNECTIONS=$batch_connections ROUNDS=$rounds${OPTS_A:+ OPTS_A='$OPTS_A'}${OPTS_B:+ OPTS_B='$OPTS_B'}${CONFIG_A:+ CONFIG_A=$CONFIG_A}${CONFIG_B:+ CONFIG_B=$CONFIG_B} benchmarks/ab-engine.sh $1 $2"
python3 - "$results" "$rounds" <<'PY'
import json, sys
rows = {r["label"]: r for r in (json.loads(l) for l in open(sys.argv[1]))}
rounds = int(sys.argv[2])
print("| round | measure | A (old) | B (new) | B/A |")
print("|---:|---|---:|---:|---:|")
for n in range(1, rounds + 1):
    g = lambda s, k: rows[f"{s}-{k}-{n}"]
    for name, key, f in (("single posts/s (closed loop)", "single", lambda r: r["paymentsPerS"]),
                         ("batch payments/s", "batch", lambda r: r["paymentsPerS"]),
                         ("p50 µs at half own max", "half", lambda r: r["latencyUs"]["p50"]),
                         ("p99 µs at half own max", "half", lambda r: r["latencyUs"]["p99"]),
                         ("p99.9 µs at half own max", "half", lambda r: r["latencyUs"]["p999"])):
        a, b = f(g("A", key)), f(g("B", key))
        print(f"| {n} | {name} | {a:,.0f} | {b:,.0f} | {b / a:.2f} |")
    print(f"| {n} | half rate offered (req/s) | {g('A','half')['rateTargetPerS']:,} | {g('B','half')['rateTargetPerS']:,} | |")
PY
echo "(raw results: $results; engine logs in $out)"
