#!/usr/bin/env bash
# Where the engine's CPU goes by method: async-profiler (CPU samples through perf events, kernel
# frames included) attached to the engine for the measured window of a wrk run, single posts or
# batches of 100, sync durability. Prints and records, per thread group (event loops, journal
# writer, the rest), the CPU µs per request and per payment that the samples give, the frames
# that spend the most themselves (self) and the engine's own methods with what runs under them
# (inclusive). The collapsed stacks stay in $OUT for a flame graph.
#
#   benchmarks/profile.sh        env: MODE single|batch (default single), WARM_S (8), LOAD_S (8),
#                                     WRK_THREADS (2), WRK_CONNECTIONS (64), INTERVAL_US (1000),
#                                     SKIP_BUILD=1, OUT (a new /tmp folder)
#
# async-profiler (Apache-2.0) comes from Maven Central (tools.profiler:async-profiler, its jar
# holds the native library) and is loaded into the running engine with `jcmd JVMTI.agent_load`:
# start after the warm-up, stop with the dump after the measured run (the options go in double
# quotes: jcmd would read "event=cpu" as an option of its own). Loopback only; every run is
# bounded; only the engine this script started is stopped, by pid.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
mode="${MODE:-single}"
warm_s="${WARM_S:-8}"
load_s="${LOAD_S:-8}"
interval_us="${INTERVAL_US:-1000}"
out="${OUT:-$(mktemp -d /tmp/lumbung-profile.XXXXXX)}"
mkdir -p "$out"
# shellcheck source=benchmarks/server-control.sh
source "$here/server-control.sh"
# shellcheck source=benchmarks/wrk/wrk-load.sh
source "$here/wrk/wrk-load.sh"
ensure_wrk

ap_version=3.0
ap_home="$HOME/.cache/lumbung/async-profiler-$ap_version"
lib="$ap_home/libasyncProfiler.so"
if [[ ! -f "$lib" ]]; then
  echo "== async-profiler $ap_version from Maven Central"
  mkdir -p "$ap_home"
  (cd "$root" && mvn -q dependency:copy -Dartifact="tools.profiler:async-profiler:$ap_version" -DoutputDirectory="$ap_home")
  unzip -q -o -j "$ap_home/async-profiler-$ap_version.jar" "linux-x64/libasyncProfiler.so" -d "$ap_home"
fi

bench_jars
"${gen_java[@]}" id.lumbung.bench.load.ReferenceWriter --dir "$out/ref" --coops 10 --traders 1000 --terminals 1000 >/dev/null

echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg)  (the box is shared)"
# a background job of a script starts with SIGQUIT ignored, and a JVM that ignores it never opens
# its attach listener (jcmd cannot reach it): job control gives the engine the default disposition
set -m
start_engine "$engine_jar" "$out/engine-data"
set +m
grep -q '^SigIgn:.*[4-7c-f]$' "/proc/$server_pid/status" && { echo "profile.sh: the engine ignores SIGQUIT: jcmd cannot attach"; exit 1; }
echo "== engine pid $server_pid, $mode posts"
if [[ "$mode" == batch ]]; then
  wrk_load warmup batch "$warm_s" "$(( warm_s * 3000 ))"
  requests=$(( (wrk_answers_per_s * 3 > 12000 ? wrk_answers_per_s * 3 : 12000) * load_s ))
else
  wrk_load warmup single "$warm_s" "$(( warm_s * 150000 ))"
  requests=$(( 200000 * load_s ))  # unique requests for up to 200 k/s: a second pass would be replays
fi
: > "$out/rows.jsonl"
jcmd "$server_pid" JVMTI.agent_load "$lib" "\"start,event=cpu,interval=${interval_us}us,threads\"" > "$out/agent-start.log"
wrk_load measured "$mode" "$load_s" "$requests" "$out/rows.jsonl"
jcmd "$server_pid" JVMTI.agent_load "$lib" "\"stop,file=$out/engine.collapsed,collapsed\"" > "$out/agent-stop.log"
[[ -s "$out/engine.collapsed" ]] || { echo "profile.sh: async-profiler wrote no profile:"; cat "$out"/agent-*.log; exit 1; }
stop_server
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$out" "$interval_us" "$here/proc-threads.py" > "$out/figures.json" <<'PY'
import collections, json, pathlib, re, runpy, sys
out, interval_us = pathlib.Path(sys.argv[1]), int(sys.argv[2])
row = json.loads((out / "rows.jsonl").read_text().splitlines()[-1])
requests, payments = row["answers"], max(1, round(row["paymentsPerS"] * row["wallS"]))

group = runpy.run_path(sys.argv[3])["thread_group"]

samples = collections.Counter()
self_ = collections.defaultdict(collections.Counter)
inclusive = collections.defaultdict(collections.Counter)
for line in (out / "engine.collapsed").read_text().splitlines():
    stack, _, n = line.rpartition(" ")
    frames = stack.split(";")
    m = re.match(r"\[(.*?)(?: tid=\d+)?\]$", frames[0])
    g = group(m.group(1) if m else "")
    frames = frames[1:] if m else frames
    n = int(n)
    samples[g] += n
    if frames:
        self_[g][frames[-1]] += n
    for f in set(frames):
        if f.startswith("id/lumbung/") or f.startswith("id.lumbung."):
            inclusive[g][f] += n

def us(n, per):
    return round(n * interval_us / per, 3)

groups = []
for g, n in samples.most_common():
    groups.append({"name": g, "samples": n, "usPerRequest": us(n, requests), "usPerPayment": us(n, payments),
                   "self": [{"frame": f, "usPerRequest": us(c, requests)} for f, c in self_[g].most_common(15)],
                   "inclusive": [{"frame": f, "usPerRequest": us(c, requests)} for f, c in inclusive[g].most_common(15)]})
print(json.dumps({"mode": row["mode"], "requests": requests, "payments": payments, "intervalUs": interval_us,
                  "samples": sum(samples.values()), "wrk": row, "groups": groups}))
PY
python3 - "$out/figures.json" <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))
w = f["wrk"]
print(f"\n{f['mode']} posts: {w['answersPerS']:,} req/s, {w['paymentsPerS']:,} payments/s; {f['samples']:,} samples of "
      f"{f['intervalUs']} µs CPU; per request: " + ", ".join(f"{g['name']} {g['usPerRequest']} µs" for g in f["groups"]))
for g in f["groups"][:2]:
    print(f"\n{g['name']}: {g['usPerRequest']} µs per request, {g['usPerPayment']} µs per payment")
    print("| self | µs/request |\n|---|---:|")
    for x in g["self"][:12]:
        print(f"| {x['frame']} | {x['usPerRequest']} |")
    print("| engine method (inclusive) | µs/request |\n|---|---:|")
    for x in g["inclusive"][:12]:
        print(f"| {x['frame']} | {x['usPerRequest']} |")
PY
python3 "$here/record-result.py" profile \
    --command "MODE=$mode WARM_S=$warm_s LOAD_S=$load_s INTERVAL_US=$interval_us WRK_THREADS=$wrk_threads WRK_CONNECTIONS=$wrk_connections benchmarks/profile.sh" \
    --load "{\"mode\": \"$mode\", \"warmS\": $warm_s, \"loadS\": $load_s, \"generator\": \"wrk\", \"threads\": $wrk_threads, \"connections\": $wrk_connections, \"profiler\": \"async-profiler $ap_version, event=cpu, interval ${interval_us} us\", \"durability\": \"sync\"}" \
    --figures "@$out/figures.json"
echo "(collapsed stacks: $out/engine.collapsed)"
