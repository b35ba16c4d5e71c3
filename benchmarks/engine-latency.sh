#!/usr/bin/env bash
# The engine's own answer latency at an offered rate, with the JVM options given: one engine (sync
# durability) on fresh reference data (10 cooperatives, 1,000 traders and terminals), single posts
# in open loop at RATE/s over 128 connections, WARM_S warm-up then LOAD_S measured; the engine's
# lumbung_ingest_latency_seconds (request in to answer out) and its journal force latency
# (lumbung_journal_sync_latency_seconds) over the measured window only, from two scrapes of its
# /metrics; and the generator's own figures. Call it once per variant, alternating, to compare
# JVM options or builds on this shared box (the "engine-latency" table of benchmarks/RESULTS.md).
#
#   benchmarks/engine-latency.sh LABEL RATE [engine JVM options...]
#   env: WARM_S (default 20), LOAD_S (default 10), OUT (default a new /tmp folder), JAR (default engine/target/lumbung.jar)
#
# Loopback only; bounded (warm-up + measure); only the engine this script started is stopped, by pid.
set -euo pipefail
[[ $# -ge 2 ]] || { echo "usage: $0 LABEL RATE [engine JVM options...]" >&2; exit 2; }
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
label="$1"; rate="$2"; shift 2
warm_s="${WARM_S:-20}"; load_s="${LOAD_S:-10}"
out="${OUT:-$(mktemp -d /tmp/lumbung-latency.XXXXXX)}"; mkdir -p "$out"
# shellcheck source=benchmarks/server-control.sh
source "$here/server-control.sh"
ENGINE_JAR="${JAR:-${ENGINE_JAR:-}}" bench_jars if-missing
jar="$engine_jar"
[[ -d "$out/ref" ]] || "${gen_java[@]}" id.lumbung.bench.load.ReferenceWriter --dir "$out/ref" --coops 10 --traders 1000 \
    --terminals 1000 > /dev/null

start_engine "$jar" "$out/data-$label" "$@"
(sleep "$warm_s"; curl -fs "http://127.0.0.1:$ops_port/metrics" > "$out/$label.metrics-start") &
scraper=$!
"${gen_java[@]}" id.lumbung.bench.load.LoadGenerator --port "$http_port" --label "$label" --mode single --rate "$rate" \
    --connections 128 --depth 1 --warmup-s "$warm_s" --duration-s "$load_s" --quiet --json-out "$out/$label.json" \
    | grep -E '^(payments/s|latency)' || true
curl -fs "http://127.0.0.1:$ops_port/metrics" > "$out/$label.metrics-end"
wait "$scraper"
stop_server
rm -rf "$out/data-$label"
engine_ms="$("$here/engine-quantiles.py" lumbung_ingest_latency_seconds \
    "$out/$label.metrics-start" "$out/$label.metrics-end" channel=http)"
force_ms="$("$here/engine-quantiles.py" lumbung_journal_sync_latency_seconds \
    "$out/$label.metrics-start" "$out/$label.metrics-end")"
echo "$label: engine's own answer latency (ms) $engine_ms"
echo "$label: journal force latency (ms)      $force_ms"
python3 "$here/record-result.py" engine-latency --runs "$out/$label.json" \
    --figures "{\"label\": \"$label\", \"engineLatencyMs\": $engine_ms, \"journalForceMs\": $force_ms}" \
    --command "WARM_S=$warm_s LOAD_S=$load_s${JAR:+ JAR=$JAR} benchmarks/engine-latency.sh $label $rate $*" \
    --load "{\"ratePerS\": $rate, \"connections\": 128, \"warmS\": $warm_s, \"loadS\": $load_s, \"durability\": \"sync\", \"generator\": \"LoadGenerator\"}"
