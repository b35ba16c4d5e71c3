#!/usr/bin/env bash
# Recorded settlement-scale run: fill N payments and close all cooperatives while intake posts flat
# out; then twice more, fill N and close while an open-loop generator offers a fixed rate (half the
# flat-out rate, then 2,000/s; -Dscale.offeredRates=...), then replay (-Dscale.replay=false skips it).
# Usage: benchmarks/run-settlement-scale.sh [payments] [coops] [traders]
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${SKIP_BUILD:-}" = 1 ] || mvn -q -o -DskipTests package
flags=$(benchmarks/chronicle-flags.sh)
log="$(mktemp /tmp/lumbung-scale.XXXXXX.log)"
# shellcheck disable=SC2086
java $flags -Xmx16g ${SCALE_JAVA_OPTS:-} \
  -cp benchmarks/target/benchmarks.jar \
  id.lumbung.bench.settle.SettlementScaleRun "${1:-10000000}" "${2:-1000}" "${3:-100000}" | tee "$log"
python3 benchmarks/record-result.py run-settlement-scale --parse settlement-scale --log "$log" \
  --command "${SCALE_JAVA_OPTS:+SCALE_JAVA_OPTS='$SCALE_JAVA_OPTS' }benchmarks/run-settlement-scale.sh $*" \
  --load "{\"payments\": ${1:-10000000}, \"cooperatives\": ${2:-1000}, \"traders\": ${3:-100000}, \"heap\": \"-Xmx16g\"}"
