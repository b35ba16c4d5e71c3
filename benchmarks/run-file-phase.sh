#!/usr/bin/env bash
# Recorded file-phase run: render and write 1,000 cooperatives' settlement files while intake runs.
# Usage: benchmarks/run-file-phase.sh [coops] [members] [rounds] [variants] [intake true|false]
# Variants: engine, engine-<threads> (syncfs where the file system allows, as the engine runs),
# perfile, perfile-<threads> (an fsync per file and folder), render, write (the legacy variant is at commit aa6df52).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${SKIP_BUILD:-}" = 1 ] || mvn -q -o -DskipTests package -pl engine,benchmarks
flags=$(benchmarks/chronicle-flags.sh)
log="$(mktemp /tmp/lumbung-file-phase.XXXXXX.log)"
# shellcheck disable=SC2086
java $flags -Xmx4g -cp benchmarks/target/benchmarks.jar id.lumbung.bench.settle.FilePhaseRun \
  "${1:-1000}" "${2:-100}" "${3:-3}" "${4:-perfile-4,engine-4}" "${5:-true}" | tee "$log"
python3 benchmarks/record-result.py run-file-phase --parse file-phase --log "$log" --command "benchmarks/run-file-phase.sh $*" \
  --load "{\"cooperatives\": ${1:-1000}, \"members\": ${2:-100}, \"rounds\": ${3:-3}, \"variants\": \"${4:-perfile-4,engine-4}\", \"intake\": ${5:-true}}"
