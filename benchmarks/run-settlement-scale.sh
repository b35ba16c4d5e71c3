#!/usr/bin/env bash
# Recorded settlement-scale run: fill N payments, close all cooperatives while intake continues,
# then replay. Usage: benchmarks/run-settlement-scale.sh [payments] [coops] [traders]
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${SKIP_BUILD:-}" = 1 ] || mvn -q -o -DskipTests package
flags=$(benchmarks/chronicle-flags.sh)
# shellcheck disable=SC2086
exec java $flags -Xmx16g -cp benchmarks/target/benchmarks.jar \
  id.lumbung.bench.settle.SettlementScaleRun "${1:-10000000}" "${2:-1000}" "${3:-100000}"
