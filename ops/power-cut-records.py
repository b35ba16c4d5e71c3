#!/usr/bin/env python3
"""Turns a results file of ops/power-cut-loop into the records docs/results/render-reliability.py reads.

Usage: ops/power-cut-records.py docs/results/power-cut-loop-<date>.txt   (rewrites the file)

Input: the lines PowerCutTest and DiskFullTest printed, as they printed them
(`power-cut forced cut=1 ... acknowledged=3222 found=3222 lost=0 ...`, `disk-full ...`,
`disk-full restart ...`), among `#` comment lines. Output, the same file: every such line kept as
a `#` comment (the raw evidence), the other comment lines as they were, then the
suite<TAB>category<TAB>outcome<TAB>count records computed from those lines and nothing else.
Records already in the file are dropped and computed again, so a file converted once comes out
unchanged.

A category's counts add up to what it tried: cuts for a cut row, payments acknowledged for a
payments row (found + lost; a payment neither found nor lost is counted apart, which a passing
run never prints). DiskFullTest prints its `disk-full` line only once the engine is alive after
the fill, a single post got `503 JOURNAL_UNAVAILABLE` + `Retry-After` and a post got `201` after
the filler was deleted without a restart; the fill's outcome words say that.
"""
import re
import sys

import records_file

RAW = re.compile(r"^(?:# )?((?:power-cut \S+|disk-full) .*)$")
RUNS = {
    "forced": {
        "cuts": "power cut under `sync` load: every write not forced dropped, SIGKILL, remount",
        "payments": "payments acknowledged before a power cut under `sync` load",
        "kept": "every acknowledged payment replayed with its paymentId",
        "lost": "**ACKNOWLEDGED PAYMENTS LOST**",
    },
    "unforced": {
        "cuts": "power cut under `sync` load with `journal.force=off-unsafe-test-only`, nothing forced (negative control)",
        "payments": "payments acknowledged before a cut with `journal.force=off-unsafe-test-only`",
        "kept": "**nothing lost: the test cannot see a missing force**",
        "lost": "acknowledged payments lost, as they must be: the test sees a missing force",
    },
}


def fields(line):
    return {k: v for k, v in re.findall(r"(\w+)=(\S+)", line)}


def payments(records, suite, category, acknowledged, found, lost):
    records.append((suite, category, "found after restart (replayed with its paymentId)", found))
    records.append((suite, category, "lost", lost))
    if acknowledged != found + lost:
        records.append((suite, category, "**neither found nor lost**", acknowledged - found - lost))


def derive(raw, source):
    runs = {name: [] for name in RUNS}
    fill = restart = None
    for number, line in raw:
        f = fields(line)
        try:
            if line.startswith("power-cut "):
                name = line.split()[1]
                if name not in runs:
                    raise KeyError(f"run {name!r}")
                runs[name].append({k: int(f[k]) for k in ("cut", "acknowledged", "found", "lost")})
            elif line.startswith("disk-full restart "):
                restart = {k: int(f[k]) for k in ("acknowledged", "found", "lost")}
            else:
                fill = {"filler_bytes": int(f["filler_bytes"]), "refused_503": int(f["refused_503"]),
                        "engine_alive": f["engine_alive"]}
        except (KeyError, ValueError) as e:
            sys.exit(f"{source}:{number}: cannot read {e} in {line!r}")
    records = []
    for name, words in RUNS.items():
        cuts = runs[name]
        if not cuts:
            continue
        kept = sum(1 for c in cuts if c["lost"] == 0)
        if kept:
            records.append(("power-cut", words["cuts"], words["kept"], kept))
        if len(cuts) - kept:
            records.append(("power-cut", words["cuts"], words["lost"], len(cuts) - kept))
        ack = [c["acknowledged"] for c in cuts]
        payments(records, "power-cut", f"{words['payments']} ({min(ack):,}–{max(ack):,} per cut)",
                 sum(ack), sum(c["found"] for c in cuts), sum(c["lost"] for c in cuts))
    if fill:
        category = f"file system full to the last byte (16 MiB tmpfs, filler {fill['filler_bytes']:,} bytes, reserve 0)"
        outcome = (f"batch items refused `JOURNAL_UNAVAILABLE`, then a single post `503 JOURNAL_UNAVAILABLE` + "
                   f"`Retry-After`; engine alive (`engine_alive={fill['engine_alive']}`), 201 again once the filler "
                   f"was deleted, no restart")
        records.append(("disk-full", category, outcome, 1))
        records.append(("disk-full", "batch items refused while the file system was full",
                        "`JOURNAL_UNAVAILABLE` in the batch's answer", fill["refused_503"]))
    if restart:
        payments(records, "disk-full", "payments acknowledged before, during and after the fill, then SIGKILL and restart",
                 restart["acknowledged"], restart["found"], restart["lost"])
    return records


def main(path):
    records_file.rewrite(path, RAW, derive, "ops/power-cut-records.py")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
