#!/usr/bin/env bash
# Recorded settlement-scale run: fill N payments and close all cooperatives while intake posts flat
# out; then twice more, fill N and close while an open-loop generator offers a fixed rate (half the
# flat-out rate, then 2,000/s; -Dscale.offeredRates=...), then replay (-Dscale.replay=false skips it).
# Usage: benchmarks/run-settlement-scale.sh [payments] [coops] [traders]
#
# OBLIGATIONS=N: fills and closes side by side without and with N member obligations (one per
# trader over the first N traders, -Dscale.obligations=N): ROUNDS rounds (default 1) of two
# processes with the same payments, cooperatives and traders, without first in odd rounds and with
# first in even ones. Each process fills N and closes while 2,000 payments/s are offered, twice
# (the first close after its start, then a warm one), so that both close windows of the same
# payments: the fill, the 1.5 s of offered payments before the close and those offered during the
# previous close. No flat-out close and no replay: -Dscale.flatClose=false
# -Dscale.offeredRates=2000,2000 -Dscale.replay=false come before SCALE_JAVA_OPTS, which may set
# them again. One record, settlement-scale-obligations, with every close of both and, per close,
# the ratio of the close times with and without.
# HEAP (default 16g): the processes' -Xms and -Xmx (pre-touched).
# WARMUP_AB=1 with OBLIGATIONS=N: without and with settlement's warm-up at start instead (below).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${SKIP_BUILD:-}" = 1 ] || mvn -q -o -DskipTests package
flags=$(benchmarks/chronicle-flags.sh)
# a fixed, pre-touched heap, as ops/RUNBOOK.md asks of a deployment: a heap that grows on demand
# runs G1's concurrent marking during the close (the live payments sit above its threshold), and
# an untouched one makes the first close fault in its pages
heap="-Xms${HEAP:-16g} -Xmx${HEAP:-16g} -XX:+AlwaysPreTouch"
payments="${1:-10000000}" coops="${2:-1000}" traders="${3:-100000}"
env_used="${OBLIGATIONS:+OBLIGATIONS=$OBLIGATIONS }${ROUNDS:+ROUNDS=$ROUNDS }${HEAP:+HEAP=$HEAP }"
env_used="$env_used${SCALE_JAVA_OPTS:+SCALE_JAVA_OPTS='$SCALE_JAVA_OPTS' }"
log="$(mktemp /tmp/lumbung-scale.XXXXXX.log)"

# Every process's folder is kept under one folder until the last process is done, then deleted:
# on ext4 without a journal (this machine's), a new file's inode is found by skipping every inode
# deleted in the last 5 s, or 305 s while its inode table block is dirty (fs/ext4/ialloc.c,
# recently_deleted()), which a close's 3,000 new files in block groups just emptied pay for in
# kernel CPU. A deployment's settlement folder only grows. Runs are best started 5 minutes after
# anything deleted thousands of files on the same file system (an earlier benchmark, a test run).
runs_root="$(mktemp -d /tmp/lumbung-scale-runs.XXXXXX)"
trap 'rm -rf "$runs_root"' EXIT

# scale_run OPTIONS...: one process of SettlementScaleRun with the arguments of this run
scale_run() {
  # shellcheck disable=SC2086
  java $flags $heap -Dscale.root="$runs_root" "$@" ${SCALE_JAVA_OPTS:-} \
    -cp benchmarks/target/benchmarks.jar \
    id.lumbung.bench.settle.SettlementScaleRun "$payments" "$coops" "$traders"
}

if [ -z "${OBLIGATIONS:-}" ]; then
  scale_run | tee "$log"
  python3 benchmarks/record-result.py run-settlement-scale --parse settlement-scale --log "$log" \
    --command "${env_used}benchmarks/run-settlement-scale.sh $*" \
    --load "{\"payments\": $payments, \"cooperatives\": $coops, \"traders\": $traders, \"heap\": \"$heap\"}"
  exit 0
fi

rounds="${ROUNDS:-1}"
if [ -n "${WARMUP_AB:-}" ]; then
  # WARMUP_AB=1: ROUNDS rounds of two processes with the same OBLIGATIONS, without settlement's
  # warm-up at start (-Dscale.warmUp=false) and with it (the engine's way), the order alternating;
  # record settlement-scale-warmup. The target's verdict reads settlement-scale-obligations only.
  for round in $(seq 1 "$rounds"); do
    if [ $((round % 2)) = 1 ]; then order="false true"; else order="true false"; fi
    for w in $order; do
      echo "== round $round, obligations $OBLIGATIONS, warm-up $w" | tee -a "$log"
      scale_run -Dscale.flatClose=false -Dscale.offeredRates=2000,2000 -Dscale.replay=false \
        -Dscale.obligations="$OBLIGATIONS" -Dscale.warmUp="$w" | tee -a "$log"
    done
  done
  python3 benchmarks/record-result.py settlement-scale-warmup --parse settlement-scale-warmup --log "$log" \
    --command "WARMUP_AB=1 ${env_used}benchmarks/run-settlement-scale.sh $*" \
    --load "{\"payments\": $payments, \"cooperatives\": $coops, \"traders\": $traders, \"obligations\": $OBLIGATIONS, \"rounds\": $rounds, \"offeredPerS\": 2000, \"heap\": \"$heap\"}"
  exit 0
fi
for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) = 1 ]; then order="0 $OBLIGATIONS"; else order="$OBLIGATIONS 0"; fi
  for n in $order; do
    echo "== round $round, obligations $n" | tee -a "$log"
    scale_run -Dscale.flatClose=false -Dscale.offeredRates=2000,2000 -Dscale.replay=false -Dscale.obligations="$n" \
      | tee -a "$log"
  done
done
python3 benchmarks/record-result.py settlement-scale-obligations --parse settlement-scale-obligations --log "$log" \
  --command "${env_used}benchmarks/run-settlement-scale.sh $*" \
  --load "{\"payments\": $payments, \"cooperatives\": $coops, \"traders\": $traders, \"obligations\": $OBLIGATIONS, \"rounds\": $rounds, \"offeredPerS\": 2000, \"heap\": \"$heap\"}"
