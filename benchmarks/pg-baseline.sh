#!/usr/bin/env bash
# PostgreSQL baseline for Lumbung's load figures: the conventional design, one durable transaction
# per payment (INSERT the payment under its idempotency key, UPDATE the trader's balance, COMMIT
# with synchronous_commit=on and fsync=on), driven by pgbench on a throwaway cluster on 127.0.0.1.
#
#   benchmarks/pg-baseline.sh [--clients N[,N...]] [--seconds S] [--json-out FILE]
#
# Installs Debian's postgresql if initdb is missing. Each pgbench run is bounded (S <= 20 s).
# Prints "PG_TPS <best tps>" last; with --json-out appends one JSON line per run.
set -euo pipefail

clients_list="8,32"
seconds=15
json_out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --clients) clients_list="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --json-out) json_out="$2"; shift 2 ;;
    *) echo "pg-baseline: unknown argument $1" >&2; exit 2 ;;
  esac
done
if (( seconds < 1 || seconds > 20 )); then echo "pg-baseline: --seconds must be 1..20" >&2; exit 2; fi

pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
if [[ -z "$pg_bin" || ! -x "$pg_bin/initdb" ]]; then
  echo "pg-baseline: installing postgresql (apt-get)" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
fi
pgbench="$pg_bin/pgbench"
[[ -x "$pgbench" ]] || pgbench="$(command -v pgbench)"

# initdb refuses to run as root: run the cluster as the Debian 'postgres' user when we are root
run_as=()
if [[ "$(id -u)" == 0 ]]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  run_as=(runuser -u postgres --)
fi

work="$(mktemp -d /tmp/lumbung-pg.XXXXXX)"
chmod 755 "$work"
[[ ${#run_as[@]} -gt 0 ]] && chown postgres "$work"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
pg_pid=""
cleanup() {
  if [[ -n "$pg_pid" ]]; then "${run_as[@]}" "$pg_bin/pg_ctl" -D "$work/data" -m fast -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"${run_as[@]}" "$pg_bin/initdb" -D "$work/data" -U bench --auth=trust -E UTF8 >/dev/null
"${run_as[@]}" "$pg_bin/pg_ctl" -D "$work/data" -l "$work/pg.log" -w -o \
  "-h 127.0.0.1 -p $port -k $work -c fsync=on -c synchronous_commit=on -c full_page_writes=on -c max_connections=100 -c shared_buffers=256MB" start >/dev/null
pg_pid="$(head -1 "$work/data/postmaster.pid")"
echo "pg-baseline: PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') pid $pg_pid on 127.0.0.1:$port, data $work/data (fsync=on, synchronous_commit=on)"

psql=("$pg_bin/psql" -h 127.0.0.1 -p "$port" -U bench -d postgres -q -v ON_ERROR_STOP=1)
"${psql[@]}" <<'SQL'
CREATE TABLE payments (
  terminal_id text NOT NULL,
  txn_id      text NOT NULL,
  trader_id   text NOT NULL,
  amount      bigint NOT NULL,
  currency    char(3) NOT NULL,
  occurred_at timestamptz NOT NULL,
  method      text NOT NULL,
  accepted_at timestamptz NOT NULL DEFAULT now(),
  sequence    bigserial NOT NULL,
  PRIMARY KEY (terminal_id, txn_id)
);
CREATE TABLE trader_balance (trader_id text PRIMARY KEY, balance bigint NOT NULL);
INSERT INTO trader_balance SELECT 'TR' || lpad(i::text, 8, '0'), 0 FROM generate_series(1, 1000) i;
CREATE SEQUENCE txn_seq;
SQL

# one payment = one transaction: the idempotency key is the primary key, the balance is updated in
# the same transaction, COMMIT waits for the WAL flush (PostgreSQL's own group commit merges flushes)
cat > "$work/payment.sql" <<'SQL'
\set t random(1, 1000)
BEGIN;
INSERT INTO payments (terminal_id, txn_id, trader_id, amount, currency, occurred_at, method)
  VALUES ('T' || lpad(:t::text, 7, '0'), 'pg-' || nextval('txn_seq'), 'TR' || lpad(:t::text, 8, '0'), 15000, 'IDR', now(), 'QRIS');
UPDATE trader_balance SET balance = balance + 15000 WHERE trader_id = 'TR' || lpad(:t::text, 8, '0');
COMMIT;
SQL
chmod 644 "$work/payment.sql"

best=0
IFS=',' read -ra clients_arr <<< "$clients_list"
for c in "${clients_arr[@]}"; do
  out="$("${run_as[@]}" "$pgbench" -h 127.0.0.1 -p "$port" -U bench -n -M prepared -c "$c" -j 2 -T "$seconds" -r -f "$work/payment.sql" postgres 2>&1)"
  tps="$(echo "$out" | awk '/^tps = / {print $3; exit}')"
  lat="$(echo "$out" | awk '/^latency average/ {print $4; exit}')"
  fails="$(echo "$out" | awk '/number of failed transactions/ {print $5; exit}')"
  echo "pg-baseline: clients $c, ${seconds} s: tps $tps, latency avg ${lat} ms, failed ${fails:-0}"
  if [[ -n "$json_out" ]]; then
    echo "{\"label\":\"postgres\",\"clients\":$c,\"durationS\":$seconds,\"tps\":$tps,\"latencyAvgMs\":$lat}" >> "$json_out"
  fi
  best="$(python3 -c "print(max($best, $tps))")"
done
echo "PG_TPS $best"
