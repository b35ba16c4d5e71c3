#!/usr/bin/env bash
# CI allocation guard: a short JMH run of the hot-path benchmarks whose allocation per op is part
# of the design (STYLE.md rule 6), failing when one allocates more than its limit.
#
#  - The benchmarks run with escape analysis off (-XX:-DoEscapeAnalysis). Whether C2 removes a
#    short-lived object depends on inlining decisions that differ between runs and machines: a
#    ByteBuffer.wrap in replay's decode measured 0.000 B/op here and 56 B/op on CI. With escape
#    analysis off, a row passes only when the code itself allocates nothing. The flag is given to
#    the host JVM and reaches the forks because JMH copies the host's JVM options into each fork;
#    a benchmark with @Fork(jvmArgs = ...) would not get it (none has one).
#  - "zero" rows must not allocate per op: gc.alloc.rate.norm must stay under 0.5 B/op. The
#    smallest object is 16 B, so any per-op allocation is >= 16 B/op; what stays under 0.5 is
#    JMH's own per-iteration bookkeeping spread over millions of ops.
#  - The journal row is the appending thread's own bytes per entry (JournalAppendBenchmark's
#    aux counters appendingThreadBytes / appendingThreadEntries, summed over the measurement
#    iterations), because -prof gc also counts Chronicle's background threads (~50 KB/s).
#  - The post rows (PostLaneBenchmark: a new payment, a batch of 100, and a terminal's retry, from
#    body to answer through a reused lane slot) are the posting thread's allocation minus the book's own storage
#    growth (columns and key table, which grow with the payments retained), per post: the aux
#    counters postGarbageBytes / posts. The ISO 8583 rows (IsoPurchaseBenchmark: a new purchase and a
#    terminal's retry, from frame bytes through decode, MAC check and the lane to the signed answer)
#    are measured the same way.
#  - A "ceiling" row would allocate by design and must stay at or below its recorded value + 10%
#    (rounded up to 8 B): lower a ceiling when the engine gets better, raise one only with a reason
#    in the commit message. No row has a ceiling: a retry is checked by the lane's retry row (the
#    known payment compared as bytes of its journal entry). Recorded values: benchmarks/RESULTS.md.
#
# Builds nothing: expects benchmarks/target/benchmarks.jar (mvn -DskipTests package, or after
# mvn verify). About 20 benchmarks x ~8 s = ~2.5 minutes on 2 cores.
#
# Usage: .ci/jmh-guard.sh
#   JMH_GUARD_JSON=path  check an existing JMH JSON result instead of running JMH (same limits)
# Output: benchmarks/target/jmh-guard.json and jmh-guard.txt (the JMH log).
set -euo pipefail
cd "$(dirname "$0")/.."

# benchmark (under id.lumbung.bench., or id.lumbung. for core.* and gateway.*) metric limit kind
limits=$(cat <<'EOF'
EntryCodecBenchmark.encodePayment             gc.alloc.rate.norm                   0.5     zero
EntryCodecBenchmark.decodeForReplay           gc.alloc.rate.norm                   0.5     zero
FeePlanBenchmark.feeRupiah                    gc.alloc.rate.norm                   0.5     zero
RateLimiterBenchmark.acquireAllowed           gc.alloc.rate.norm                   0.5     zero
RateLimiterBenchmark.acquireRejected          gc.alloc.rate.norm                   0.5     zero
IsoCodecBenchmark.decode0200                  gc.alloc.rate.norm                   0.5     zero
IsoCodecBenchmark.encode0210                  gc.alloc.rate.norm                   0.5     zero
SettlementBenchmark.aggregateWindow           gc.alloc.rate.norm                   0.5     zero
JournalAppendBenchmark.appendAsync            appendingThreadBytes/appendingThreadEntries 0.5 zero
TerminalAuthBenchmark.verify                  gc.alloc.rate.norm                   0.5     zero
TerminalAuthBenchmark.verifyDuringKeyChangeover gc.alloc.rate.norm                 0.5     zero
PaymentJsonDecoderBenchmark.decodeOne         gc.alloc.rate.norm                   0.5     zero
PaymentJsonDecoderBenchmark.decodeBatch100    gc.alloc.rate.norm                   0.5     zero
PaymentJsonDecoderBenchmark.decodeOneToDraft   gc.alloc.rate.norm                   0.5     zero
core.payment.KeyTableBenchmark.probeKnownKey       gc.alloc.rate.norm                   0.5     zero
core.payment.KeyTableBenchmark.probeUnknownKey     gc.alloc.rate.norm                   0.5     zero
core.payment.KeyTableBenchmark.insertReplacingKey  gc.alloc.rate.norm                   0.5     zero
PostLaneBenchmark.postKnownKey                postGarbageBytes/posts               0.5     zero
PostLaneBenchmark.postNewKey                  postGarbageBytes/posts               0.5     zero
PostLaneBenchmark.postNewBatch100             postGarbageBytes/posts               0.5     zero
gateway.IsoPurchaseBenchmark.purchaseNewKey   postGarbageBytes/posts               0.5     zero
gateway.IsoPurchaseBenchmark.purchaseKnownKey postGarbageBytes/posts               0.5     zero
EOF
)

jar=benchmarks/target/benchmarks.jar
json=benchmarks/target/jmh-guard.json
log=benchmarks/target/jmh-guard.txt
start=$(date +%s)

if [[ -n "${JMH_GUARD_JSON:-}" ]]; then
    json="$JMH_GUARD_JSON"
    echo "jmh-guard: checking $json (no JMH run)"
else
    if [[ ! -f "$jar" ]]; then
        echo "jmh-guard: $jar not found; build it first: mvn -B -DskipTests package" >&2
        exit 2
    fi
    regexes=()
    while read -r name _; do
        [[ "$name" == core.* || "$name" == gateway.* ]] && package="" || package="bench\\."
        [[ -n "$name" ]] && regexes+=("^id\\.lumbung\\.${package}${name//./\\.}\$")
    done <<< "$limits"
    echo "jmh-guard: running ${#regexes[@]} benchmarks (-f 1 -wi 3 -w 1s -i 3 -r 1s -prof gc), log in $log"
    # -foe: a benchmark that throws fails the guard rather than silently dropping its row
    # shellcheck disable=SC2046
    if ! java $(benchmarks/chronicle-flags.sh) -XX:-DoEscapeAnalysis -jar "$jar" "${regexes[@]}" -f 1 -wi 3 -w 1s -i 3 -r 1s -prof gc -foe true \
            -rf json -rff "$json" > "$log" 2>&1; then
        tail -40 "$log" >&2
        echo "jmh-guard: FAILED: the JMH run itself failed (log: $log)" >&2
        exit 1
    fi
fi

LIMITS="$limits" python3 - "$json" <<'PY'
import json, os, sys

results = {r["benchmark"].removeprefix("id.lumbung.").removeprefix("bench."): r for r in json.load(open(sys.argv[1]))}
failures = []
print(f"{'benchmark':<48} {'metric':<44} {'measured':>10} {'limit':>8}  result")
for line in os.environ["LIMITS"].strip().splitlines():
    name, metric, limit, kind = line.split()
    limit = float(limit)
    r = results.get(name)
    if r is None:
        failures.append(f"{name}: no result (renamed, removed or failed?)")
        print(f"{name:<48} {metric:<44} {'-':>10} {limit:>8g}  MISSING")
        continue
    sm = r["secondaryMetrics"]
    try:
        if "/" in metric:
            num, den = metric.split("/")
            total = lambda m: sum(v for fork in sm[m]["rawData"] for v in fork)
            measured = total(num) / max(1.0, total(den))
            unit = "B per " + den
        else:
            measured = sm[metric]["score"]
            unit = sm[metric]["scoreUnit"]
    except KeyError as e:
        failures.append(f"{name}: metric {e} missing from the JSON (was -prof gc on?)")
        print(f"{name:<48} {metric:<44} {'-':>10} {limit:>8g}  MISSING")
        continue
    # a negative figure is a broken measurement (a counter that could not read, a subtraction of
    # more than was allocated), not an allocation-free op: it fails rather than passes
    ok = 0 <= measured <= limit
    print(f"{name:<48} {metric:<44} {measured:>10.3f} {limit:>8g}  {'ok' if ok else 'OVER'}")
    if not ok:
        what = "must not allocate per op" if kind == "zero" else "exceeds its recorded ceiling"
        failures.append(f"{name} {what}: {metric} = {measured:.3f} {unit} > limit {limit:g}")
if failures:
    print("", file=sys.stderr)
    for f in failures:
        print(f"jmh-guard: FAILED: {f}", file=sys.stderr)
    sys.exit(1)
PY
echo "jmh-guard: all allocation limits hold ($(( $(date +%s) - start )) s)"
