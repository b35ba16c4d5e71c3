#!/usr/bin/env bash
# Restart to ready as an operator sees it: `java -jar lumbung.jar serve` on a data folder of N
# journaled payments (half settled by one close of every cooperative, half open), timed from exec
# to the first 200 on /health/ready, alternately replaying the whole journal
# (snapshot.enabled=false) and starting from the snapshot the previous clean stop wrote. Then, as
# an A/B of class loading (CLASS_DATA=0 skips it): one more start from the snapshot whose exit writes
# a class-data archive of the classes it loaded (-XX:ArchiveClassesAtExit, JDK 13 and later), and
# `rounds` starts from the snapshot that map it (-XX:SharedArchiveFile -Xshare:on, which fails
# rather than start without it). The shipped launchers (ops/lumbung, ops/lumbung.service) pass no
# archive, so only the starts without one decide the target.
# OLD_JAR=<jar> [OLD_LABEL=<commit>]: an A/B of two builds, each round's start from the snapshot
# followed by one of the old jar on the same data folder (its rows do not decide the target).
# Each start records the CPU its threads used up to ready (/proc/<pid>/task/*/stat), by kind.
# Usage: benchmarks/run-restart.sh [payments=10000000] [rounds=3]
# Records every start (benchmarks/results/<date>/run-restart-<time>Z.json) for benchmarks/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
payments="${1:-10000000}"
rounds="${2:-3}"
[ "${SKIP_BUILD:-}" = 1 ] || mvn -q -o -DskipTests package
flags=$(benchmarks/chronicle-flags.sh)
dir="$(mktemp -d /tmp/lumbung-restart-run.XXXXXX)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
echo "== $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
# shellcheck disable=SC2086
java $flags -Xmx16g -cp benchmarks/target/benchmarks.jar id.lumbung.bench.settle.RestartRun fill "$dir" "$payments" 2>&1 \
  | grep -v SLF4J | grep -E '^fill'
entries="$payments"
sync

# start_once <snapshot.enabled> [dump|use|old]: prints seconds from exec to ready, then stops the
# engine with SIGTERM; dump: its exit writes the class-data archive, use: it maps that archive,
# old: the start runs OLD_JAR
start_once() {
  printf 'http.host=127.0.0.1\nsnapshot.enabled=%s\nidempotency.payments.max=100000000\n' "$1" > "$dir/engine.properties"
  local log="$dir/engine-$1.log" t0 port="" class_data=() jar=engine/target/lumbung.jar
  case "${2:-}" in
    dump) class_data=(-XX:ArchiveClassesAtExit="$dir/classes.jsa") ;;
    use) class_data=(-XX:SharedArchiveFile="$dir/classes.jsa" -Xshare:on) ;;
    old) jar="$OLD_JAR" ;;
  esac
  t0=$(date +%s%N)
  java -Xmx16g "${class_data[@]}" -jar "$jar" serve --config "$dir/engine.properties" --data "$dir/data" \
      --reference "$dir/reference" --http-port 0 --ops-port 0 --iso-port 0 --cutoffs none > "$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 6000); do
    port="$(grep -oE 'ops +http://localhost:[0-9]+' "$log" | grep -oE '[0-9]+$' || true)"
    if [ -n "$port" ] && curl -fs -o /dev/null "http://127.0.0.1:$port/health/ready"; then break; fi
    kill -0 "$pid" 2>/dev/null || { echo "engine exited:"; cat "$log"; exit 1; }
    sleep 0.01
  done
  local t1; t1=$(date +%s%N)
  # the CPU each thread used up to ready, and the process's, which also holds the threads that
  # ended before it (the snapshot's loader among them)
  cat /proc/"$pid"/stat > "$dir/cpu-process" 2>/dev/null || true
  cat /proc/"$pid"/task/*/stat > "$dir/cpu-threads" 2>/dev/null || true
  kill -TERM "$pid"; wait "$pid" || true; pid=""
  local s; s=$(python3 -c "print(f'{($t1 - $t0) / 1e9:.2f}')")
  local how; how=$(grep -oE 'event=(snapshot_loaded|snapshot_rejected)[^ ]*' "$log" | head -1 || true)
  # where the start's time went: the engine's own phases (its event=ready line, and the snapshot's
  # load), the time before the engine began (JVM, class loading, command line, configuration), and
  # from its ready line to the first 200 this loop saw
  python3 - "$1" "$t0" "$t1" "$entries" "$how" "$log" "$dir/cpu-process" "$dir/cpu-threads" "$(getconf CLK_TCK)" \
      "${2:-}" "${OLD_LABEL:-old}" >> "$dir/starts.jsonl" <<'PY'
import datetime, json, re, runpy, sys
enabled, t0, t1, entries, how, log = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
process_stat, threads_stat, tick_ms = sys.argv[7], sys.argv[8], 1000 / int(sys.argv[9])
proc_threads = runpy.run_path("benchmarks/proc-threads.py")
stat_cpu_ticks, thread_kind = proc_threads["stat_cpu_ticks"], proc_threads["thread_kind"]
row = {"snapshotEnabled": enabled == "true", "readyS": round((t1 - t0) / 1e9, 3),
       "journaledPaymentsPerS": round(entries / (t1 - t0) * 1e9), "loaded": how or "whole journal"}
if sys.argv[10] == "use":
    row["classDataArchive"] = True
if sys.argv[10] == "old":
    row["oldJar"] = sys.argv[11]
text = open(log, errors="replace").read()
ready = re.search(r"^(\S+) .*event=ready .*", text, re.M)
if ready:
    fields = dict(re.findall(r"(\w+_ms)=(\d+)", ready.group(0)))
    at = datetime.datetime.fromisoformat(ready.group(1).replace("Z", "+00:00")).timestamp() * 1e3
    phases = {"beforeEngine": round(at - t0 / 1e6 - int(fields["start_ms"]))}
    phases.update({k[:-3]: int(v) for k, v in fields.items()})
    loaded = re.search(r"event=snapshot_loaded .*?load_ms=(\d+)", text)
    if loaded:
        phases["snapshot_load"] = int(loaded.group(1))
    phases["readyLineTo200"] = round(t1 / 1e6 - at)
    row["phasesMs"] = phases


def cpu_ms(line):
    name, user, system = stat_cpu_ticks(line)
    return name, (user + system) * tick_ms


try:
    process = [cpu_ms(l) for l in open(process_stat) if l.strip()]
    threads = [cpu_ms(l) for l in open(threads_stat) if l.strip()]
except (OSError, ValueError, IndexError):
    process, threads = [], []
if process and threads:
    cpu = {k: 0 for k in ("jit", "gc", "main", "journal", "settlement", "eventLoops", "other")}
    for name, ms in threads:
        kind = thread_kind(name)
        cpu[kind if kind in cpu else "other"] += ms  # the VM's own threads are among the rest
    cpu["ended"] = max(0, process[0][1] - sum(ms for _, ms in threads))
    cpu["total"] = process[0][1]
    row["cpuToReadyMs"] = {k: round(v) for k, v in cpu.items()}
print(json.dumps(row))
PY
  if [ "${2:-}" = dump ] && [ ! -s "$dir/classes.jsa" ]; then echo "the class-data archive was not written:"; tail -20 "$log"; exit 1; fi
  echo "snapshot.enabled=$1${2:+ ($2)}: ready after $s s = $(python3 -c "print(f'{$entries / ($t1 - $t0) * 1e9:,.0f}')") journaled payments/s ${how:-(whole journal)}; $(grep -oE 'event=snapshot_written.*duration_ms=[0-9]+' "$log" | grep -oE '(bytes|duration_ms)=[0-9]+' | tr '\n' ' ')"
}

start_once true   # no snapshot yet: replays everything; its stop writes the first snapshot
for _ in $(seq 1 "$rounds"); do
  start_once false
  start_once true
  if [ -n "${OLD_JAR:-}" ]; then start_once true old; fi
done
if [ "${CLASS_DATA:-1}" != 0 ]; then
  start_once true dump   # a start from the snapshot like the others; its exit writes the archive
  for _ in $(seq 1 "$rounds"); do
    start_once true use
  done
fi
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 benchmarks/record-result.py run-restart --runs "$dir/starts.jsonl" \
    --command "benchmarks/run-restart.sh $payments $rounds" \
    --load "{\"payments\": $payments, \"rounds\": $rounds, \"heap\": \"-Xmx16g\", \"process\": \"java -jar engine/target/lumbung.jar serve, exec to first 200 on /health/ready\", \"classDataAB\": $([ "${CLASS_DATA:-1}" != 0 ] && echo true || echo false)${OLD_JAR:+, \"oldJar\": \"${OLD_LABEL:-old}\"}}"
