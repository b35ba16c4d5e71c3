#!/usr/bin/env bash
# Where a batched payment's CPU goes, end to end, and what that leaves of issue 6's 1,000,000
# payments/s on this box: two cores give 2.0 us of CPU per payment at that rate, for the load
# generator and the server together.
#
# Runs batches of 100 (closed loop, BATCH_CONNECTIONS connections) against the engine (sync
# durability) and then the no-op Vert.x server, ROUNDS times, and for each run reads the CPU time
# the server process used over the measured window only (/proc/<pid>/stat at the end of the
# warm-up and at the end), by thread group for the engine (event loops, journal writer, JIT
# compilers, GC, the rest; /proc/<pid>/task/*/stat), and the generator's own CPU over the same
# window (it reports it). Prints microseconds of CPU per payment for each.
#
#   benchmarks/cpu-budget.sh     env: WARM_S (20), LOAD_S (10), BATCH_CONNECTIONS (64), ROUNDS (2),
#                                     OUT (a new /tmp folder), SKIP_BUILD=1
#
# Loopback only; every run is bounded (warm-up + measure); only servers this script started are
# stopped, by pid.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
warm_s="${WARM_S:-20}"; load_s="${LOAD_S:-10}"; batch_connections="${BATCH_CONNECTIONS:-64}"; rounds="${ROUNDS:-2}"
out="${OUT:-$(mktemp -d /tmp/lumbung-cpu.XXXXXX)}"; mkdir -p "$out"
# shellcheck source=benchmarks/server-control.sh
source "$here/server-control.sh"
bench_jars
[[ -d "$out/ref" ]] || "${gen_java[@]}" id.lumbung.bench.load.ReferenceWriter --dir "$out/ref" --coops 10 --traders 1000 \
    --terminals 1000 > /dev/null
rows="$out/cpu.jsonl"; : > "$rows"

# CPU ticks of $1's threads as "group ticks" lines, one per thread (proc-threads.py's thread_group of its comm)
thread_ticks() {
  python3 - "$1" "$here/proc-threads.py" <<'PY'
import glob, runpy, sys
proc_threads = runpy.run_path(sys.argv[2])
for path in glob.glob(f"/proc/{sys.argv[1]}/task/*/stat"):
    try:
        s = open(path).read()
    except OSError:
        continue  # a thread that ended meanwhile
    name, user, system = proc_threads["stat_cpu_ticks"](s)
    print(proc_threads["thread_group"](name), user + system)
PY
}

measure() { # $1 = label; the server is $server_pid on $http_port
  local label="$1"
  (sleep "$warm_s"; thread_ticks "$server_pid" > "$out/$label.start") &
  local sampler=$!
  "${gen_java[@]}" id.lumbung.bench.load.LoadGenerator --port "$http_port" --label "$label" --mode batch --batch-size 100 \
      --rate 0 --connections "$batch_connections" --depth 1 --warmup-s "$warm_s" --duration-s "$load_s" --quiet \
      --json-out "$out/$label.json" | grep -E '^payments/s' || true
  thread_ticks "$server_pid" > "$out/$label.end"
  wait "$sampler"
  python3 - "$label" "$out/$label.start" "$out/$label.end" "$out/$label.json" "$(getconf CLK_TCK)" "$rows" <<'PY'
import collections, json, sys
label, start, end, gen, tck, rows = sys.argv[1:7]
def read(p):
    d = collections.Counter()
    for line in open(p):
        name, ticks = line.rsplit(" ", 1)
        d[name] += int(ticks)
    return d
a, b = read(start), read(end)
r = json.loads(open(gen).read().strip().splitlines()[-1])
payments = r["paymentsPerS"] * r["durationS"]
groups = collections.Counter()
for name in b:  # thread_ticks wrote proc-threads.py's groups
    groups[name] += b[name] - a.get(name, 0)
us = lambda ticks: ticks / int(tck) / payments * 1e6
row = {"label": label, "paymentsPerS": r["paymentsPerS"], "serverUsPerPayment": round(us(sum(groups.values())), 3),
       "generatorUsPerPayment": round(r["generatorCpuS"] / payments * 1e6, 3),
       "serverGroupsUsPerPayment": {g: round(us(t), 3) for g, t in groups.most_common()}}
open(rows, "a").write(json.dumps(row) + "\n")
print(f"{label}: {r['paymentsPerS']:,} payments/s; CPU per payment: server {row['serverUsPerPayment']} us "
      f"({', '.join(f'{g} {v}' for g, v in row['serverGroupsUsPerPayment'].items())}), generator {row['generatorUsPerPayment']} us")
PY
}

echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$rounds"); do
  start_engine "$engine_jar" "$out/data-$round"
  measure "engine-$round"
  stop_server
  rm -rf "$out/data-$round"

  start_noop_server "$out/noop-$round.log"
  measure "noop-$round"
  stop_server
done
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$here/record-result.py" cpu-budget --runs "$rows" \
    --command "WARM_S=$warm_s LOAD_S=$load_s BATCH_CONNECTIONS=$batch_connections ROUNDS=$rounds benchmarks/cpu-budget.sh" \
    --load "{\"warmS\": $warm_s, \"loadS\": $load_s, \"batchConnections\": $batch_connections, \"batchSize\": 100, \"rounds\": $rounds, \"durability\": \"sync\", \"generator\": \"LoadGenerator\"}"
python3 - "$rows" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print("\n| run | payments/s | server us/payment | generator us/payment | together | 1 M/s needs |")
print("|---|---:|---:|---:|---:|---:|")
for r in rows:
    total = r["serverUsPerPayment"] + r["generatorUsPerPayment"]
    print(f"| {r['label']} | {r['paymentsPerS']:,} | {r['serverUsPerPayment']} | {r['generatorUsPerPayment']} | {total:.2f} | 2.00 |")
PY
echo "(raw: $rows)"
