# Sourced by the benchmark scripts that start a server and stop it again (compare.sh, ab-engine.sh,
# close-under-load.sh, engine-latency.sh): the pid of the one server running, its readiness wait,
# its stop (SIGTERM, 15 s, then SIGKILL; only that pid), a trap that stops it when the script ends,
# and a free loopback port.
server_pid=""

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
