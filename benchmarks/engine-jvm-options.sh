#!/usr/bin/env bash
# Prints the engine's JVM options from ops/jvm-options (comments and blank lines dropped), one
# per line, for scripts that start the engine: mapfile -t opts < <(benchmarks/engine-jvm-options.sh)
set -euo pipefail
grep -Ev '^[[:space:]]*(#|$)' "$(cd "$(dirname "$0")/.." && pwd)/ops/jvm-options"
