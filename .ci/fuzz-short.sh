#!/usr/bin/env bash
# A short real fuzzing session per target (Jazzer, coverage-guided), after `mvn verify` built
# everything. Any crash, hang or out-of-memory fails CI and leaves the input as a crash-* seed.
# Longer sessions: docs/FUZZING.md.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-30}"
for target in 'PaymentJsonDecoderFuzzTest#decodeOne' 'PaymentJsonDecoderFuzzTest#decodeBatch' \
              'TerminalAuthFuzzTest#verify' 'Iso87BinaryCodecFuzzTest#decode'; do
  echo "== fuzzing $target for ${seconds}s"
  JAZZER_FUZZ=1 mvn -B -q -pl engine surefire:test -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false \
    -Djazzer.internal.arg.0=fake_argv0 -Djazzer.internal.arg.1=-max_total_time="$seconds"
done
echo "fuzzing: no finding"
