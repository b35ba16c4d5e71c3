#!/usr/bin/env bash
# Builds the benchmarks jar and runs the JMH suite with the short settings used on shared machines:
# one fork, warm-up 2 x 1 s, measurement 3 x 1 s, with the GC profiler (B/op = gc.alloc.rate.norm).
# About 33 benchmarks x ~7 s each (fork start + 5 s) = roughly 4 minutes.
#
# Usage: benchmarks/run-jmh.sh [REGEX] [extra JMH args...]
#   REGEX defaults to every hot-path benchmark: 'id.lumbung.bench', the idempotency index's
#   benchmark in id.lumbung.core.payment and the ISO purchase's in id.lumbung.gateway (for package access).
#   SKIP_BUILD=1 skips the Maven build.
#   MVN_OFFLINE=  (empty) lets Maven download; the default is offline (-o).
# Output: benchmarks/target/jmh-results.txt (human-readable log and summary table)
#         benchmarks/target/jmh-results.json (machine-readable results)
#         benchmarks/results/<date>/run-jmh-<time>Z.json (the run's record: the JMH results with the
#         machine, command and commit, rendered into benchmarks/RESULTS.md by render-results.py)
set -euo pipefail
command_line="benchmarks/run-jmh.sh $*"

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
regex="${1:-^id\.lumbung\.(bench|core\.payment|gateway)\.}"
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
python3 benchmarks/record-result.py run-jmh --command "$command_line" --jmh "$out_json" \
    --load "$(python3 -c 'import json, sys; print(json.dumps({"regex": sys.argv[1], "jmhArgs": " ".join(["-f 1 -wi 2 -w 1s -i 3 -r 1s -prof gc", *sys.argv[2:]])}))' "$regex" "$@")"
