#!/usr/bin/env python3
"""Renders the fault table of docs/RELIABILITY.md from a results file of ops/power-cut-loop.

Usage: ops/render-fault-table.py docs/results/power-cut-loop-<date>.txt
Replaces what stands between the fault-table markers in docs/RELIABILITY.md; every figure comes
from the file's lines (as the tests printed them), none is typed by hand.
"""
import pathlib
import re
import sys

BEGIN = "<!-- fault-table:begin (ops/render-fault-table.py writes this table) -->"
END = "<!-- fault-table:end -->"


def fields(line):
    return {k: v for k, v in re.findall(r"(\w+)=(\S+)", line)}


def main(path):
    results = pathlib.Path(path)
    lines = results.read_text(encoding="utf-8").splitlines()
    header = [l for l in lines if l.startswith("# ops/") or l.startswith("# started")]
    runs = {"forced": [], "unforced": []}
    fill, restart = None, None
    for line in lines:
        if line.startswith("power-cut "):
            runs[line.split()[1]].append(fields(line))
        elif line.startswith("disk-full restart "):
            restart = fields(line)
        elif line.startswith("disk-full "):
            fill = fields(line)

    def total(cuts, key):
        return sum(int(c[key]) for c in cuts)

    rows = []
    for name, what in (("forced", "power cut under `sync` load: every write not forced dropped, SIGKILL, remount"),
                       ("unforced", "the same with `journal.force=off-unsafe-test-only` (negative control)")):
        cuts = runs[name]
        if not cuts:
            continue
        ack, found, lost = total(cuts, "acknowledged"), total(cuts, "found"), total(cuts, "lost")
        if name == "forced":
            outcome = "every acknowledged payment replayed with its paymentId" if lost == 0 else "**ACKNOWLEDGED PAYMENTS LOST**"
        else:
            outcome = "acknowledged payments lost, as they must be: the test sees a missing force" if lost > 0 \
                else "**nothing lost: the test cannot see a missing force**"
        per_cut = f"{min(int(c['acknowledged']) for c in cuts):,}–{max(int(c['acknowledged']) for c in cuts):,} per cut"
        rows.append(f"| {what} | {len(cuts)} {'cut' if len(cuts) == 1 else 'cuts'} | {ack:,} ({per_cut}) | {found:,} | {lost:,} | {outcome} |")
    if fill and restart:
        outcome = (f"{int(fill['refused_503']):,} batch items refused `JOURNAL_UNAVAILABLE`, then a single post "
                   f"`503 JOURNAL_UNAVAILABLE` + `Retry-After`; engine alive "
                   f"(`engine_alive={fill['engine_alive']}`), 201 again once the filler was deleted, no restart")
        rows.append(f"| file system full to the last byte (16 MiB tmpfs, filler {int(fill['filler_bytes']):,} bytes, reserve 0) "
                    f"| 1 fill | {int(restart['acknowledged']):,} | {int(restart['found']):,} | {int(restart['lost']):,} | {outcome} |")
    table = "\n".join([
        BEGIN,
        f"From [`{results.as_posix()}`]({pathlib.Path(*results.parts[1:]).as_posix() if results.parts[0] == 'docs' else results.as_posix()})"
        f" ({'; '.join(h.lstrip('# ') for h in header)}).",
        "",
        "| fault injected | count | payments acknowledged before it | found after restart | lost | outcome |",
        "|---|---|---|---|---|---|",
        *rows,
        END,
    ])
    doc = pathlib.Path(__file__).resolve().parent.parent / "docs" / "RELIABILITY.md"
    text = doc.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        sys.exit(f"{doc}: the fault-table markers are missing")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    doc.write_text(text[:start] + table + text[end:], encoding="utf-8")
    print(table)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
