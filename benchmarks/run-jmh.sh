#!/usr/bin/env bash
# Builds the benchmarks jar and runs the JMH suite with the short settings used on shared machines:
# one fork, warm-up 2 x 1 s, measurement 3 x 1 s, with the GC profiler (B/op = gc.alloc.rate.norm).
# About 33 benchmarks x ~7 s each (fork start + 5 s) = roughly 4 minutes.
#
# Usage: benchmarks/run-jmh.sh [REGEX] [extra JMH args...]
#   REGEX defaults to every hot-path benchmark: 'id.lumbung.bench', the idempotency index's
#   benchmark in id.lumbung.payment and the ISO purchase's in id.lumbung.gateway (for package access).
#   SKIP_BUILD=1 skips the Maven build.
#   MVN_OFFLINE=  (empty) lets Maven download; the default is offline (-o).
# Output: benchmarks/target/jmh-results.txt (human-readable log and summary table)
#         benchmarks/target/jmh-results.json (machine-readable results)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
regex="${1:-^id\.lumbung\.(bench|payment|gateway)\.}"
shift || true
mvn_offline="${MVN_OFFLINE--o}"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    # the reactor build resolves lumbung-engine from the engine module, no install needed
    mvn -q $mvn_offline -DskipTests package
fi

out_txt="benchmarks/target/jmh-results.txt"
out_json="benchmarks/target/jmh-results.json"
# shellcheck disable=SC2046
java $(benchmarks/chronicle-flags.sh) -jar benchmarks/target/benchmarks.jar "$regex" \
    -f 1 -wi 2 -w 1s -i 3 -r 1s -prof gc \
    -rf json -rff "$out_json" \
    "$@" 2>&1 | tee "$out_txt"
echo "wrote $out_txt and $out_json"
