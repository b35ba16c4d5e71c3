#!/usr/bin/env bash
# What one journal force costs on this disk, with nothing else running: bytes written through a
# mapping of an allocated file, then fdatasync, over and over (benchmarks/src/main/java/.../DiskForce.java);
# one and two threads at once, 4 KiB per force, the tail page alone and with the header page too
# (as a Chronicle cycle file's), the file allocated by writing zeros (as the journal's room is), by
# reading each 64 KiB and writing it back, or by one fallocate (unwritten extents, through
# chronicle-posix's JNR binding). The floor under the engine's forces: compare with the
# mean force where-time-goes.sh records under load. Records the run through record-result.py.
#
#   benchmarks/disk-force.sh     (env: DIR, the folder to force in, default the repository's
#                                 benchmarks/target; SECONDS_PER_CASE per case, default 3; SKIP_BUILD=1)
#
# Bounded: 12 cases of SECONDS_PER_CASE each; writes one 256 MiB file in DIR and deletes it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
dir="${DIR:-$root/benchmarks/target}"
seconds="${SECONDS_PER_CASE:-3}"
[[ "${SKIP_BUILD:-}" == 1 ]] || (cd "$root" && mvn -q -DskipTests package)
out="$(mktemp -d /tmp/lumbung-disk-force.XXXXXX)"
echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg); forcing in $dir ($(df --output=source,fstype "$dir" | tail -1))"
java --add-opens java.base/java.io=ALL-UNNAMED -cp "$root/benchmarks/target/benchmarks.jar" id.lumbung.bench.DiskForce \
    "$dir" "$seconds" 1,2 4096 tail,tail+header write,read-write,fallocate \
    | tee "$out/runs.jsonl"
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
fs="$(df --output=fstype "$dir" | tail -1 | tr -d ' ')"
python3 "$here/record-result.py" disk-force --runs "$out/runs.jsonl" \
    --command "SECONDS_PER_CASE=$seconds benchmarks/disk-force.sh" \
    --load "{\"secondsPerCase\": $seconds, \"fileMiB\": 256, \"fileSystem\": \"$fs\", \"force\": \"FileChannel.force(false) (fdatasync)\"}"
