#!/usr/bin/env bash
# ISO 8583 approvals/s over N connections with sync durability, engine and load on this machine.
# Each 0200 carries the field 64 MAC under its terminal's key_hex (iso.mac=required, the default).
# Usage: benchmarks/iso-load.sh [connections=64] [seconds=15]
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${SKIP_BUILD:-}" = 1 ] || mvn -q -DskipTests package
out="$(mktemp -d /tmp/lumbung-iso.XXXXXX)"
java -cp benchmarks/target/benchmarks.jar id.lumbung.bench.load.ReferenceWriter --dir "$out/ref" --coops 10 --traders 1000 --terminals 1000
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
http="$(port)"; ops="$(port)"; iso="$(port)"
java -jar engine/target/lumbung.jar serve --data "$out/data" --reference "$out/ref" --cutoffs none --durability sync \
  --http-port "$http" --ops-port "$ops" --iso-port "$iso" > "$out/engine.log" 2>&1 &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$ops/health/ready" >/dev/null 2>&1 && break; sleep 0.1; done
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
java -cp benchmarks/target/benchmarks.jar id.lumbung.bench.load.IsoLoad "$iso" "$out/ref" "${1:-64}" "${2:-15}" | tee "$out/iso.log"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 benchmarks/record-result.py iso-load --parse iso-load --log "$out/iso.log" --command "benchmarks/iso-load.sh $*" \
    --load "{\"connections\": ${1:-64}, \"seconds\": ${2:-15}, \"durability\": \"sync\", \"mac\": \"required\", \"generator\": \"IsoLoad\"}"
