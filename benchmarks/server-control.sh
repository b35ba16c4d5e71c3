# Sourced by the benchmark scripts that start a server and stop it again (compare.sh, ab-engine.sh,
# close-under-load.sh, engine-latency.sh, cpu-budget.sh, first-scrape.sh, profile.sh,
# where-time-goes.sh): the jars a run uses, the pid of the one server running, its start (the
# engine as the load runs use it, or the no-op server), its readiness wait, its stop (SIGTERM, 15 s,
# then SIGKILL; only that pid), a trap that stops it when the script ends, and a free loopback port.
server_pid=""

# bench_jars [if-missing]: sets engine_jar (ENGINE_JAR, else the build's), bench_jar and gen_java,
# the generator's JVM (serial collector: with G1 on a shared 2-core box an open-loop generator fell
# behind in its warm-up and carried the backlog into the measured window; compare.sh). Builds first
# (`mvn -q -DskipTests package`, offline when the local repository has everything) unless
# SKIP_BUILD=1; with if-missing only when a jar is missing (scripts that are given the jars to
# compare). Needs $root.
bench_jars() {
  engine_jar="${ENGINE_JAR:-$root/engine/target/lumbung.jar}"
  bench_jar="$root/benchmarks/target/benchmarks.jar"
  if [[ "${SKIP_BUILD:-0}" != 1 ]] && [[ "${1:-}" != if-missing || ! -f "$engine_jar" || ! -f "$bench_jar" ]]; then
    echo "== build (mvn -q -DskipTests package)"
    (cd "$root" && { mvn -q -o -DskipTests package 2>/dev/null || mvn -q -DskipTests package; })
  fi
  [[ -f "$engine_jar" && -f "$bench_jar" ]] || { echo "no jar at $engine_jar or $bench_jar" >&2; exit 2; }
  gen_java=(java -Xms1g -Xmx1g -XX:+UseSerialGC -cp "$bench_jar")
}

stop_server() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"
    for _ in $(seq 1 150); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$server_pid" 2>/dev/null && kill -KILL "$server_pid"
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
trap stop_server EXIT

# Waits (at most 60 s) until the engine started as $server_pid answers 200 on /health/ready of
# ops port $1; if it exits or never gets ready, prints its log $2 and ends the script.
wait_ready() {
  for _ in $(seq 1 600); do
    curl -fs "http://127.0.0.1:$1/health/ready" >/dev/null 2>&1 && return 0
    kill -0 "$server_pid" 2>/dev/null || { echo "engine exited:"; cat "$2"; exit 1; }
    sleep 0.1
  done
  echo "engine not ready after 60 s:"; cat "$2"; exit 1
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# require_new_data DATA_DIR: ends the script when DATA_DIR already holds something. A benchmark's
# engine starts on a new data folder; one left by an earlier run (an OUT given again) would make
# it replay or load that run's payments, and its retention bound then refuses the new ones.
require_new_data() {
  if [[ -n "$(ls -A "$1" 2>/dev/null)" ]]; then
    echo "$1 holds an earlier run's data; give OUT a new or empty folder" >&2
    exit 2
  fi
}

# start_engine JAR DATA_DIR [JVM options...]: the engine with sync durability, no scheduled cut-off
# and the reference data in $out/ref, on free loopback ports, logging to DATA_DIR.log; sets
# http_port, ops_port and server_pid, and returns once it is ready. ENGINE_CONFIG: a properties
# file for its --config.
start_engine() {
  local jar="$1" data="$2"; shift 2
  local config=()
  [[ -n "${ENGINE_CONFIG:-}" ]] && config=(--config "$ENGINE_CONFIG")
  require_new_data "$data"
  http_port="$(free_port)"; ops_port="$(free_port)"
  java "$@" -jar "$jar" serve "${config[@]}" --data "$data" --reference "$out/ref" --cutoffs none --durability sync \
      --http-port "$http_port" --ops-port "$ops_port" --iso-port 0 > "$data.log" 2>&1 &
  server_pid=$!
  wait_ready "$ops_port" "$data.log"
}

# start_noop_server LOG: the no-op Vert.x server (the caller's gen_java command) on a free loopback
# port, logging to LOG; sets http_port and server_pid, clears ops_port (it has no metrics), and
# returns once it listens (at most 10 s).
start_noop_server() {
  http_port="$(free_port)"; ops_port=""
  "${gen_java[@]}" id.lumbung.bench.load.NoopServer --port "$http_port" > "$1" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do grep -q listening "$1" 2>/dev/null && break; sleep 0.1; done
}
