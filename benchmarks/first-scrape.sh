#!/usr/bin/env bash
# What the first /metrics scrape of the ops port costs, two engine builds side by side:
#   benchmarks/first-scrape.sh OLD.jar NEW.jar
# For each jar in turn (A, B, then A, B again): the engine starts with -XX:+PrintCompilation, and
# IDLE_AFTER_S (default 2) after it is ready three scrapes of the idle engine are timed (curl's
# time_total). Then wrk single posts (benchmarks/wrk/replay.lua) warm it for WARM_S (default 8),
# and under a second wrk run of LOAD_S (default 12) the methods the JIT made not entrant are
# counted in three windows of WINDOW_S (default 1.5) each: one with no scrape, one from the first
# scrape under load, one from the second. A method made not entrant is compiled code thrown away:
# until it is compiled again the terminals' requests run it slower. Tier-4 (C2) methods are counted
# apart: those are the terminals' fast code. Records the run through record-result.py.
# env: ROUNDS (2), WRK_THREADS (2), WRK_CONNECTIONS (64).
# Loopback only; every run is bounded; only the engines this script started are stopped, by pid.
set -euo pipefail
[[ $# -eq 2 ]] || { echo "usage: $0 OLD.jar NEW.jar" >&2; exit 2; }
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar_a="$(realpath "$1")"; jar_b="$(realpath "$2")"
warm_s="${WARM_S:-8}"; load_s="${LOAD_S:-12}"; window_s="${WINDOW_S:-1.5}"; idle_after_s="${IDLE_AFTER_S:-2}"
rounds="${ROUNDS:-2}"
out="${OUT:-$(mktemp -d /tmp/lumbung-first-scrape.XXXXXX)}"; mkdir -p "$out"
runs="$out/runs.jsonl"; : > "$runs"
# shellcheck source=benchmarks/server-control.sh
source "$here/server-control.sh"
bench_jars if-missing
# shellcheck source=benchmarks/wrk/wrk-load.sh
source "$here/wrk/wrk-load.sh"
ensure_wrk
"${gen_java[@]}" id.lumbung.bench.load.ReferenceWriter --dir "$out/ref" --coops 10 --traders 1000 --terminals 1000 >/dev/null

# not_entrant LOG: "all tier4" counts of the methods made not entrant so far in the engine's log
# (-XX:+PrintCompilation lines: time, compile id, five attribute characters, tier, method)
not_entrant() {
  python3 -c 'import re, sys
lines = [l for l in open(sys.argv[1], errors="replace") if l.rstrip().endswith("made not entrant")]
print(len(lines), sum(1 for l in lines if re.match(r" *\d+ +\d+ [ %sbn!]{5} 4 ", l)))' "$1"
}
scrape_s() { curl -fs -o /dev/null -w '%{time_total}' "http://127.0.0.1:$ops_port/metrics"; }

echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$rounds"); do
  for side in A B; do
    jar="$jar_a"; [[ $side == B ]] && jar="$jar_b"
    echo "== round $round engine $side ($jar)"
    data="$out/data-$side-$round"
    start_engine "$jar" "$data" -XX:+PrintCompilation
    log="$data.log"
    sleep "$idle_after_s"
    idle="$(scrape_s) $(scrape_s) $(scrape_s)"
    wrk_load "warm-$side-$round" single "$warm_s" "$(( warm_s * 150000 ))" >/dev/null
    wrk_load "load-$side-$round" single "$load_s" "$(( load_s * 150000 ))" "$out/wrk-$side-$round.jsonl" > "$out/wrk-$side-$round.txt" &
    bg=$!
    for _ in $(seq 1 300); do pgrep -P "$bg" -x wrk >/dev/null 2>&1 && break; pgrep -x wrk >/dev/null && break; sleep 0.1; done
    sleep 2
    read -r a0 c0 < <(not_entrant "$log"); sleep "$window_s"
    read -r a1 c1 < <(not_entrant "$log")
    first="$(scrape_s)"; sleep "$window_s"
    read -r a2 c2 < <(not_entrant "$log")
    second="$(scrape_s)"; sleep "$window_s"
    read -r a3 c3 < <(not_entrant "$log")
    wait "$bg"
    cat "$out/wrk-$side-$round.txt"
    stop_server
    python3 - "$side" "$round" "$jar" "$idle" "$first" "$second" "$a0 $a1 $a2 $a3" "$c0 $c1 $c2 $c3" \
        "$out/wrk-$side-$round.jsonl" >> "$runs" <<'PY'
import json, sys
side, rnd, jar, idle, first, second, alls, c2s, wrk = sys.argv[1:10]
a = [int(x) for x in alls.split()]; c = [int(x) for x in c2s.split()]
row = json.loads(open(wrk).read().splitlines()[-1])
print(json.dumps({"side": side, "round": int(rnd), "jar": jar,
                  "idleScrapeMs": [round(float(x) * 1000, 1) for x in idle.split()],
                  "loadedScrapeMs": [round(float(first) * 1000, 1), round(float(second) * 1000, 1)],
                  "notEntrant": {"none": a[1] - a[0], "firstScrape": a[2] - a[1], "secondScrape": a[3] - a[2]},
                  "notEntrantTier4": {"none": c[1] - c[0], "firstScrape": c[2] - c[1], "secondScrape": c[3] - c[2]},
                  "wrkAnswersPerS": row["answersPerS"], "wrkLatencyUs": row["latencyUs"]}))
PY
    tail -1 "$runs"
  done
done
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
load_json="$(python3 - "$jar_a" "$jar_b" "$warm_s" "$load_s" "$window_s" "$idle_after_s" "$rounds" "$wrk_threads" \
    "$wrk_connections" <<'PY'
import hashlib, json, sys
a, b, warm_s, load_s, window_s, idle_after_s, rounds, threads, conns = sys.argv[1:10]
sha = lambda p: hashlib.sha256(open(p, "rb").read()).hexdigest()
print(json.dumps({"jarA": {"path": a, "sha256": sha(a)}, "jarB": {"path": b, "sha256": sha(b)},
                  "warmS": int(warm_s), "loadS": int(load_s), "windowS": float(window_s), "idleAfterS": float(idle_after_s),
                  "rounds": int(rounds), "wrk": {"threads": int(threads), "connections": int(conns)},
                  "jvmOptions": "-XX:+PrintCompilation", "durability": "sync"}))
PY
)"
python3 "$here/record-result.py" first-scrape \
    --command "ROUNDS=$rounds WARM_S=$warm_s LOAD_S=$load_s benchmarks/first-scrape.sh $1 $2" \
    --load "$load_json" --runs "$runs"
