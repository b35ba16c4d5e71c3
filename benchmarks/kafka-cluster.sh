#!/usr/bin/env bash
# The Kafka journal's figures side by side in one run (issue 18): three KRaft brokers
# (ops/kafka-brokers, on ports of their own) and three engine nodes (serve --journal kafka, 12
# partitions, replication 3) on reference data of COOPS cooperatives (60 put at least two on each of
# the 12 partitions); the nodes warmed up with NODE_WARM_S of single posts and NODE_WARM_S of
# batches (not measured); then
#   1. payments/s through the cluster, closed loop, the Java load generator's connections shared out
#      over the three nodes (a node forwards what another owns, as behind a plain load balancer):
#      single posts, then batches of 100; each node's lumbung_kafka_commit_latency_seconds histogram
#      scraped at the end of the warm-up and at the end gives the commit p50/p99 over the window;
#   2. the limit of the brokers: a plain idempotent producer (acks=all, no transactions;
#      id.lumbung.bench.kafka.PlainProducerRun) writing records the size of a payment entry to a
#      topic laid out as the journal's, on the same brokers: one record awaited per partition (as
#      the engine's writer awaits each commit of a partition), then PIPELINED records in flight per
#      partition;
#   3. failover, FAILOVER_ROUNDS times: SIGKILL the node owning the most partitions, time until the
#      live nodes' lumbung_kafka_owned_partitions add up to 12 again (polled every 100 ms, no load),
#      start the node again and wait until it serves partitions of its own.
# Then the record (record-result.py kafka-cluster) and its table as RESULTS.md shows it.
#
#   benchmarks/kafka-cluster.sh   (env: WARM_S warm-up per run, default 5; LOAD_S measured seconds,
#                                  default 15; CONNECTIONS for single posts, default 96;
#                                  BATCH_CONNECTIONS for batches, default 24; PIPELINED records in
#                                  flight per partition for the producer's second run, default 256;
#                                  FAILOVER_ROUNDS default 3; COOPS default 60; NODE_HEAP default 1g;
#                                  NODE_WARM_S the nodes' warm-up per mode, default 10;
#                                  KAFKA_PORT_BASE, default a free even port from 20000 (6 ports);
#                                  OUT; SKIP_BUILD=1; RESULTS_DIR as record-result.py reads it)
#
# Loopback only. Every wait and run is bounded (a run 30 s, a start 180 s, a failover 60 s); the
# trap stops the nodes by their pids and the brokers with ops/kafka-brokers down, and nothing else.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
warm_s="${WARM_S:-5}"
load_s="${LOAD_S:-15}"
connections="${CONNECTIONS:-96}"
batch_connections="${BATCH_CONNECTIONS:-24}"
batch_size=100
pipelined="${PIPELINED:-256}"
rounds="${FAILOVER_ROUNDS:-3}"
coops="${COOPS:-60}"
node_heap="${NODE_HEAP:-1g}"
node_warm_s="${NODE_WARM_S:-10}"
nodes=3
partitions=12
terminals=1000
out="${OUT:-$(mktemp -d /tmp/lumbung-kafka-cluster.XXXXXX)}"
mkdir -p "$out"
if compgen -G "$out/node-*" > /dev/null; then # the nodes would start on an earlier run's data
  echo "$out holds an earlier run's nodes; give OUT a new or empty folder" >&2
  exit 2
fi
runs="$out/runs.jsonl"
events="$out/failover.log"
: > "$runs"
: > "$events"

node_pids=()
brokers_dir=""
stop_node() { # $1 = node index; TERM, 30 s, then KILL; only that pid
  local pid="${node_pids[$1]:-}"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || true
  fi
  node_pids[$1]=""
}
cleanup() {
  local i
  for i in $(seq 1 "$nodes"); do stop_node "$i"; done
  if [[ -n "$brokers_dir" ]]; then "$root/ops/kafka-brokers" down "$brokers_dir" || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "${SKIP_BUILD:-}" = 1 ] || (cd "$root" && mvn -B -q -o -DskipTests package)
engine_jar="$root/engine/target/lumbung.jar"
gen_java=(java -Xms1g -Xmx1g -XX:+UseSerialGC -cp "$root/benchmarks/target/benchmarks.jar")
clk_tck="$(getconf CLK_TCK)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_ticks() { # CPU ticks of the pids given (0 for one that is gone)
  local t=0 p
  for p in "$@"; do t=$(( t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0) )); done
  echo "$t"
}
echo "== $(date -u +%FT%TZ) $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg); output in $out"

# six free ports in a row for the brokers (client and controller port each), below Linux's
# ephemeral range (from 32768) so that no outgoing connection takes one meanwhile; 50 tries
port_base="${KAFKA_PORT_BASE:-$(python3 - <<'PY'
import random, socket, sys
for _ in range(50):
    base = random.randrange(20000, 32000, 2)
    try:
        held = []
        for port in range(base, base + 6):
            s = socket.socket(); s.bind(("127.0.0.1", port)); held.append(s)
        print(base); sys.exit(0)
    except OSError:
        pass
    finally:
        for s in held: s.close()
sys.exit("kafka-cluster.sh: no six free ports in a row found in 50 tries")
PY
)}"
brokers_dir="$out/kafka"
bootstrap="$(KAFKA_PORT_BASE="$port_base" "$root/ops/kafka-brokers" up "$brokers_dir" 3 | tail -n 1)"
broker_pids=()
for i in 1 2 3; do
  pid="$(cat "$brokers_dir/broker-$i/pid")"
  broker_pids+=("$pid")
  # the script's wait for a port is answered by whatever listens there: make sure it is this broker
  ss -ltnpH "sport = :$((port_base + 2 * (i - 1)))" | grep -q "pid=$pid," \
    || { echo "kafka-cluster.sh: port $((port_base + 2 * (i - 1))) is not broker $i's (pid $pid): another process took it"; exit 1; }
done
echo "== brokers $bootstrap (pids ${broker_pids[*]})"

"${gen_java[@]}" id.lumbung.bench.load.ReferenceWriter --dir "$out/ref" --coops "$coops" --traders "$terminals" --terminals "$terminals"
token="$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"
http_ports=(); ops_ports=()
for i in $(seq 1 "$nodes"); do
  http_ports[$i]="$(free_port)"; ops_ports[$i]="$(free_port)"
  # terminal.rate.*: the generator's terminals post far faster than a market's (as close-under-load.sh)
  printf 'journal=kafka\nkafka.bootstrap=%s\nnode.id=node-%s\nhttp.host=127.0.0.1\nterminal.rate.per.second=100000\nterminal.rate.burst=100000\n' \
    "$bootstrap" "$i" > "$out/node-$i.properties"
done
start_node() { # $1 = node index: its process, a child of this script, logging to node-I.log
  LUMBUNG_ADMIN_TOKEN="$token" java -Xms"$node_heap" -Xmx"$node_heap" -jar "$engine_jar" serve \
    --config "$out/node-$1.properties" --data "$out/node-$1/data" --reference "$out/ref" --cutoffs none \
    --http-port "${http_ports[$1]}" --ops-port "${ops_ports[$1]}" --iso-port 0 \
    --advertised-url "http://127.0.0.1:${http_ports[$1]}" >> "$out/node-$1.log" 2>&1 &
  node_pids[$1]=$!
}
owned() { # partitions node $1 serves; 0 when it does not answer within 1 s
  "$root/ops/owned-partitions" "${ops_ports[$1]}" 1
}
owned_total() { # partitions served by the live nodes
  local t=0 i
  for i in $(seq 1 "$nodes"); do [[ -n "${node_pids[$i]:-}" ]] && t=$(( t + $(owned "$i") )); done
  echo "$t"
}
wait_ready() { # $1 = node index, $2 = seconds: /health/ready answers 200
  local deadline=$((SECONDS + $2))
  until curl -fs --max-time 1 "http://127.0.0.1:${ops_ports[$1]}/health/ready" >/dev/null 2>&1; do
    kill -0 "${node_pids[$1]}" 2>/dev/null || { echo "node-$1 ended during its start:"; tail -n 30 "$out/node-$1.log"; exit 1; }
    (( SECONDS < deadline )) || { echo "node-$1 not ready within $2 s:"; tail -n 30 "$out/node-$1.log"; exit 1; }
    sleep 0.2
  done
}
wait_all_served() { # $1 = seconds: the live nodes serve every partition
  local deadline=$((SECONDS + $1))
  until (( $(owned_total) == partitions )); do
    (( SECONDS < deadline )) || { echo "the nodes serve $(owned_total) of $partitions partitions after $1 s"; exit 1; }
    sleep 0.2
  done
}
for i in $(seq 1 "$nodes"); do start_node "$i"; done
for i in $(seq 1 "$nodes"); do wait_ready "$i" 180; done
wait_all_served 120
echo "== nodes ready: $(for i in $(seq 1 "$nodes"); do printf 'node-%s http %s ops %s owns %s; ' "$i" "${http_ports[$i]}" "${ops_ports[$i]}" "$(owned "$i")"; done)"
all_http_ports="$(IFS=,; echo "${http_ports[*]}")"

scrape_all() { # every node's metrics, one after the other (engine-quantiles.py adds up the buckets)
  local i
  for i in $(seq 1 "$nodes"); do curl -fs --max-time 2 "http://127.0.0.1:${ops_ports[$i]}/metrics" || true; done
}

cluster_load() { # $1 = label, $2.. = generator options: one closed-loop run over the three nodes, its commit quantiles
  local label="$1"; shift
  echo "== load: $label ($*)"
  local nodes_before brokers_before
  nodes_before="$(cpu_ticks "${node_pids[@]}")"; brokers_before="$(cpu_ticks "${broker_pids[@]}")"
  # the generator's window opens after its 0.5 s start margin and its JVM's start, about 1 s
  (sleep "$((warm_s + 1))"; scrape_all > "$out/$label.metrics-start") &
  local scraper=$!
  "${gen_java[@]}" id.lumbung.bench.load.LoadGenerator --port "$all_http_ports" --label "$label" --rate 0 \
      --terminals "$terminals" --warmup-s "$warm_s" --duration-s "$load_s" --json-out "$out/$label.json" --quiet "$@" \
      | grep -v '^JSON '
  scrape_all > "$out/$label.metrics-end"
  wait "$scraper" || true
  local quantiles
  quantiles="$("$here/engine-quantiles.py" lumbung_kafka_commit_latency_seconds "$out/$label.metrics-start" "$out/$label.metrics-end")"
  python3 - "$out/$label.json" "$quantiles" "$runs" "$(( $(cpu_ticks "${node_pids[@]}") - nodes_before ))" \
      "$(( $(cpu_ticks "${broker_pids[@]}") - brokers_before ))" "$clk_tck" "$out/$label.metrics-start" "$out/$label.metrics-end" <<'PY'
import json, re, sys
path, q, runs = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
node_ticks, broker_ticks, tck = map(int, sys.argv[4:7])

def relayed(scrape):  # requests the nodes forwarded to their owners and relayed back, every node added up
    return sum(float(m.group(1)) for m in re.finditer(r'^lumbung_cluster_forwarded_total\{outcome="relayed"\} (\S+)$',
                                                      open(scrape).read(), re.M))

r = json.loads(open(path).read().strip().splitlines()[-1])
r["nodes"] = 3
r["forwardedInWindow"] = int(relayed(sys.argv[8]) - relayed(sys.argv[7]))
if q["count"] > 0:
    r["commitLatencyMs"] = {"commits": q["count"], "p50": round(q["p50"], 2), "p99": round(q["p99"], 2), "p999": round(q["p999"], 2)}
    print(f"commit latency over the window: p50 {q['p50']:.2f} ms, p99 {q['p99']:.2f} ms, p99.9 {q['p999']:.2f} ms"
          f" ({q['count']} commits, {r['paymentsPerS'] * r['durationS'] / q['count']:.1f} payments a commit)")
r["nodesCpuS"] = round(node_ticks / tck, 2)      # warm-up + measure + drain
r["brokersCpuS"] = round(broker_ticks / tck, 2)
open(runs, "a").write(json.dumps(r) + "\n")
PY
}

plain_load() { # $1 = label, $2 = records in flight per partition: the plain producer on the same brokers
  echo "== plain producer: $1 ($2 in flight per partition)"
  local brokers_before
  brokers_before="$(cpu_ticks "${broker_pids[@]}")"
  "${gen_java[@]}" id.lumbung.bench.kafka.PlainProducerRun --bootstrap "$bootstrap" --partitions "$partitions" \
      --in-flight-per-partition "$2" --warmup-s "$warm_s" --duration-s "$load_s" --label "$1" --json-out "$out/$1.json" \
      | grep -v '^JSON '
  python3 - "$out/$1.json" "$runs" "$(( $(cpu_ticks "${broker_pids[@]}") - brokers_before ))" "$clk_tck" <<'PY'
import json, sys
path, runs, broker_ticks, tck = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
r = json.loads(open(path).read().strip().splitlines()[-1])
r["brokersCpuS"] = round(broker_ticks / tck, 2)
open(runs, "a").write(json.dumps(r) + "\n")
PY
}

# fresh nodes compile their whole path (intake, forwarding, the writer, the Kafka producers) while
# they serve: the first measured run would pay for it, so each mode runs once unmeasured first
echo "== the nodes' warm-up: single posts, then batches, ${node_warm_s} s each (not measured)"
for mode in single batch; do
  "${gen_java[@]}" id.lumbung.bench.load.LoadGenerator --port "$all_http_ports" --label "warm-$mode" --mode "$mode" \
      --batch-size "$batch_size" --rate 0 --connections "$([[ $mode == single ]] && echo "$connections" || echo "$batch_connections")" \
      --terminals "$terminals" --warmup-s 0 --duration-s "$node_warm_s" --quiet | grep -E '^(payments/s|outcomes)' || true
done

cluster_load cluster-single --mode single --connections "$connections"
cluster_load cluster-batch --mode batch --batch-size "$batch_size" --connections "$batch_connections"
plain_load plain-single 1
plain_load plain-pipelined "$pipelined"

echo "== failover: $rounds rounds of SIGKILL to the node owning the most partitions (no load)"
for round in $(seq 1 "$rounds"); do
  victim=0; most=-1
  for i in $(seq 1 "$nodes"); do n="$(owned "$i")"; (( n > most )) && { most=$n; victim=$i; }; done
  t0=$(date +%s%N)
  kill -KILL "${node_pids[$victim]}"
  wait "${node_pids[$victim]}" 2>/dev/null || true
  node_pids[$victim]=""
  served_ms=""
  while (( ($(date +%s%N) - t0) / 1000000 < 60000 )); do
    if (( $(owned_total) == partitions )); then served_ms=$(( ($(date +%s%N) - t0) / 1000000 )); break; fi
    sleep 0.1
  done
  [[ -n "$served_ms" ]] || { echo "failover $round: the live nodes serve $(owned_total) of $partitions partitions 60 s after the kill"; exit 1; }
  echo "failover $round: SIGKILL node-$victim (owned $most of $partitions partitions); all $partitions served again after $served_ms ms" \
    | tee -a "$events"
  t1=$(date +%s%N)
  start_node "$victim"
  wait_ready "$victim" 180
  deadline=$((SECONDS + 120))
  until (( $(owned "$victim") > 0 && $(owned_total) == partitions )); do
    (( SECONDS < deadline )) || { echo "failover $round: node-$victim started again but serves no partition after 120 s"; exit 1; }
    sleep 0.2
  done
  echo "failover $round: node-$victim started again; it serves $(owned "$victim") and the nodes all $partitions after $(( ($(date +%s%N) - t1) / 1000000 )) ms" \
    | tee -a "$events"
  sleep 3  # the group settles before the next kill
done

cleanup
brokers_dir=""
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
recorded="$(python3 "$here/record-result.py" kafka-cluster --runs "$runs" --parse kafka-cluster --log "$events" \
    --command "WARM_S=$warm_s LOAD_S=$load_s CONNECTIONS=$connections BATCH_CONNECTIONS=$batch_connections PIPELINED=$pipelined FAILOVER_ROUNDS=$rounds COOPS=$coops NODE_HEAP=$node_heap NODE_WARM_S=$node_warm_s benchmarks/kafka-cluster.sh" \
    --load "{\"brokers\": 3, \"nodes\": $nodes, \"partitions\": $partitions, \"replication\": 3, \"cooperatives\": $coops, \"terminals\": $terminals, \"warmS\": $warm_s, \"loadS\": $load_s, \"connections\": $connections, \"batchConnections\": $batch_connections, \"batchSize\": $batch_size, \"pipelinedInFlightPerPartition\": $pipelined, \"failoverRounds\": $rounds, \"nodeHeap\": \"$node_heap\", \"nodeWarmS\": $node_warm_s, \"generator\": \"LoadGenerator\"}")"
echo "$recorded"
# the table as RESULTS.md renders it, and a run whose answers were not all acceptances fails
python3 - "$here" "${recorded#recorded }" "$root" <<'PY'
import importlib.util, json, pathlib, sys
here, path, root = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
spec = importlib.util.spec_from_file_location("render_results", here / "render-results.py")
render = importlib.util.module_from_spec(spec); spec.loader.exec_module(render)
record = json.loads((path if path.is_absolute() else root / path).read_text())
print("\n".join(render.render_kafka_cluster([record])))
bad = render.kafka_cluster_invalid(record)
if bad:
    print(f"kafka-cluster.sh: INVALID: {bad}", file=sys.stderr)
    sys.exit(3)
PY
