#!/usr/bin/env bash
# Recorded file-phase run: render and write 1,000 cooperatives' settlement files while intake runs.
# Usage: benchmarks/run-file-phase.sh [coops] [members] [rounds] [variants] [intake true|false]
# Variants: legacy (the file phase of 62dfab2), engine, engine-<threads>, render, write.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${SKIP_BUILD:-}" = 1 ] || mvn -q -o -DskipTests package -pl engine,benchmarks
flags=$(benchmarks/chronicle-flags.sh)
# shellcheck disable=SC2086
exec java $flags -Xmx4g -cp benchmarks/target/benchmarks.jar id.lumbung.bench.settle.FilePhaseRun \
  "${1:-1000}" "${2:-100}" "${3:-3}" "${4:-legacy,engine}" "${5:-true}"
