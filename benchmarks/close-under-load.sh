#!/usr/bin/env bash
# Intake while a big window closes, as terminals see it: the real engine (sync durability) over
# HTTP, reference data of 1,000 cooperatives, 100,000 traders and terminals; first filled with
# batch posts (closed loop, until FILL_PAYMENTS payments, default 10.2 M, are unsettled); then single posts in open
# loop at RATE requests/s (10 s warm-up, 20 s measured; the generator allows 30 s), with an admin
# close of every cooperative 5 s into the measurement. Prints the generator's per-second line (answers/s and the largest CO-corrected
# latency of that second) and the close's duration, then the summary (p50/p99/max over the 20 s).
#
# By default a small warm-up close (a few seconds of batches, then a close of every cooperative) runs
# before the fill, so that the measured close runs compiled code. COLD=1 skips it and measures the
# first close after a start, whose code the JIT compiles while it runs (0.4-0.85 of a core on this
# 2-core box).
#
#   benchmarks/close-under-load.sh          (env: RATE default 10000, FILL_PAYMENTS default 10200000, FILL_MAX_S default 120, OUT, SKIP_BUILD=1, COLD=1,
#                                            ENGINE_JAVA_OPTS extra engine JVM options, e.g. -Xlog:gc:file=/tmp/gc.log,
#                                            ENGINE_JAR another build's jar, for an A/B of two builds: the run
#                                            is printed but not recorded, since a record names this tree's commit)
#
# Loopback only, every phase bounded in time, only the engine this script started is stopped.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
rate="${RATE:-10000}"
fill_payments="${FILL_PAYMENTS:-10200000}"
fill_max_s="${FILL_MAX_S:-120}"
out="${OUT:-$(mktemp -d /tmp/lumbung-close-load.XXXXXX)}"
mkdir -p "$out"
# shellcheck source=benchmarks/server-control.sh
source "$here/server-control.sh"
require_new_data "$out/data"
bench_jars
echo "== $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); rate $rate/s; output in $out"
"${gen_java[@]}" id.lumbung.bench.load.ReferenceWriter --dir "$out/ref" --coops 1000 --traders 100000 --terminals 100000

http_port="$(free_port)"; ops_port="$(free_port)"
printf 'http.host=127.0.0.1\nterminal.rate.per.second=100000\nterminal.rate.burst=100000\n' > "$out/engine.properties"
read -r -a engine_opts <<< "${ENGINE_JAVA_OPTS:-}"
# a fixed, pre-touched heap, as ops/RUNBOOK.md asks of a deployment
LUMBUNG_ADMIN_TOKEN=close-under-load-token java -Xms8g -Xmx8g -XX:+AlwaysPreTouch "${engine_opts[@]}" -jar "$engine_jar" serve --config "$out/engine.properties" \
    --data "$out/data" --reference "$out/ref" --cutoffs none --durability sync \
    --http-port "$http_port" --ops-port "$ops_port" --iso-port 0 > "$out/engine.log" 2>&1 &
server_pid=$!
wait_ready "$ops_port" "$out/engine.log"

close_all() { # prints the HTTP code and the close's duration in ms
  local t0 t1 code
  t0=$(date +%s%N)
  code=$(curl -s -o "$out/close.json" -w '%{http_code}' -X POST -H "Authorization: Bearer close-under-load-token" \
      "http://127.0.0.1:$ops_port/admin/v1/settlements/close")
  t1=$(date +%s%N)
  echo "HTTP $code after $(( (t1 - t0) / 1000000 )) ms; $(grep -o '"batchId"' "$out/close.json" | wc -l) batches"
}

if [[ "${COLD:-0}" != 1 ]]; then
  echo "== warm-up close: batches of 100 for 5 s, then a close of every cooperative (not measured)"
  "${gen_java[@]}" id.lumbung.bench.load.LoadGenerator --port "$http_port" --label warm-fill --mode batch --batch-size 100 \
      --rate 0 --connections 64 --terminals 100000 --warmup-s 0 --duration-s 5 --quiet | grep -E '^payments/s' || true
  echo "   warm-up close: $(close_all)"
fi

unsettled() { curl -fs "http://127.0.0.1:$ops_port/metrics" | awk '/^lumbung_unsettled_payments /{printf "%d", $2}'; }
echo "== fill: batches of 100, closed loop, until $fill_payments payments are unsettled (at most ${fill_max_s} s, in runs of at most 5 s)"
fill_t0=$SECONDS
have="$(unsettled)"; per_s=0
while (( have < fill_payments && SECONDS - fill_t0 < fill_max_s )); do
  # the first run measures the rate; each later one is sized to what is still missing, so the window
  # holds the target and not the 1.5-1.8 times a fixed time gave. Runs are at most 5 s: the rate
  # grows run by run as the engine's JIT warms up (81,000/s in the first run, 420,000/s in the
  # second, seen), so a run sized by the one before overshoots (13.0 M for a 10.2 M target, seen
  # with runs of up to 30 s)
  if (( per_s > 0 )); then run=$(( (fill_payments - have + per_s - 1) / per_s )); else run=5; fi
  (( run > 5 )) && run=5; (( run < 1 )) && run=1
  (( run > fill_max_s - (SECONDS - fill_t0) )) && run=$(( fill_max_s - (SECONDS - fill_t0) ))
  "${gen_java[@]}" id.lumbung.bench.load.LoadGenerator --port "$http_port" --label fill --mode batch --batch-size 100 \
      --rate 0 --connections 64 --terminals 100000 --warmup-s 0 --duration-s "$run" --quiet | grep -E '^payments/s' || true
  now="$(unsettled)"
  per_s=$(( (now - have) / run )); have="$now"
done
fill_s=$(( SECONDS - fill_t0 ))
curl -fs "http://127.0.0.1:$ops_port/metrics" | grep -E '^lumbung_unsettled_payments ' || true
# the engine's live heap holding the retained payments (after a full GC, before any timing starts)
if command -v jcmd >/dev/null; then
  jcmd "$server_pid" GC.run >/dev/null 2>&1 || true
  curl -fs "http://127.0.0.1:$ops_port/metrics" | python3 -c '
import re, sys
used = unsettled = 0.0
for line in sys.stdin:
    m = re.match(r"jvm_memory_used_bytes\{(.*)\} (\S+)", line)
    if m and "area=\"heap\"" in m.group(1):
        used += float(m.group(2))
    m = re.match(r"lumbung_unsettled_payments (\S+)", line)
    if m:
        unsettled = float(m.group(1))
if unsettled:
    print(f"   heap after a full GC: {used / 1e6:,.0f} MB for {unsettled:,.0f} unsettled payments ({used / unsettled:.0f} B per payment)")
' || true
fi
echo "== warm the single-post path: closed loop, 20 s"
"${gen_java[@]}" id.lumbung.bench.load.LoadGenerator --port "$http_port" --label warm --mode single --rate 0 \
    --connections 128 --terminals 100000 --warmup-s 10 --duration-s 10 --quiet | grep -E '^(requests|latency)' || true

echo "== single posts at $rate/s open loop, 10 s warm-up + 20 s; admin close of every cooperative 5 s into the measurement"
"${gen_java[@]}" id.lumbung.bench.load.LoadGenerator --port "$http_port" --label "close-under-load-$rate" --mode single \
    --rate "$rate" --connections 128 --terminals 100000 --warmup-s 10 --duration-s 20 --json-out "$out/summary.jsonl" &
gen=$!
sleep 15
echo "   admin close: $(close_all)"
wait "$gen"
grep -oE 'event=window_closed.*' "$out/engine.log" | tail -1 | tee "$out/close.log"
python3 - "$out/close.log" <<'PY' || true
import re, sys
line = open(sys.argv[1]).read()
f = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line)}
if f.get("payments"):
    print(f"   close: {f['duration_ms']} ms for {f['payments']:,} payments = {f['duration_ms'] * 1e6 / f['payments']:.0f} ns per payment"
          f" (aggregate {f['aggregate_ms']} ms, files {f['files_ms']} ms)")
PY
stop_server
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
# the close's own log line (event=window_closed payments= duration_ms= aggregate_ms= files_ms=) and
# the generator's summary of the 20 s around it
close_json="$(python3 - "$out/close.log" "${COLD:-0}" <<'PY'
import json, re, sys
f = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", open(sys.argv[1]).read())}
print(json.dumps({"firstCloseAfterStart": sys.argv[2] == "1", "close": f}))
PY
)"
if [ -n "${ENGINE_JAR:-}" ]; then
  echo "not recorded: the run measured $ENGINE_JAR, not this tree's build (close: $close_json)"
  exit 0
fi
python3 "$here/record-result.py" close-under-load --runs "$out/summary.jsonl" --figures "$close_json" \
    --command "RATE=$rate FILL_PAYMENTS=$fill_payments${COLD:+ COLD=$COLD}${ENGINE_JAVA_OPTS:+ ENGINE_JAVA_OPTS='$ENGINE_JAVA_OPTS'} benchmarks/close-under-load.sh" \
    --load "{\"ratePerS\": $rate, \"connections\": 128, \"fillS\": $fill_s, \"fillPayments\": $fill_payments, \"fillConnections\": 64, \"batchSize\": 100, \"warmS\": 10, \"loadS\": 20, \"closeAtS\": 5, \"cooperatives\": 1000, \"terminals\": 100000, \"durability\": \"sync\", \"generator\": \"LoadGenerator\"}"
