#!/usr/bin/env python3
"""Renders the committed results data files into the table of docs/RELIABILITY.md.

Data files: every docs/results/*.txt, read in name order. Format, one record a line, UTF-8:

    suite<TAB>category<TAB>outcome<TAB>count

  suite     the run that wrote the file (malformed-http, power-cut, disk-full, ...)
  category  what was tried or injected (one kind of bad input, one kind of fault)
  outcome   what happened, as the run observed it (e.g. "400 closed", "recovered, 0 lost")
  count     how many times, a whole number >= 0

Lines that are empty or start with '#' are comments (a run's command, seed, date, machine, and
any detail it keeps for readers). A category may span several lines, one per outcome; its
"tried" figure is the sum of their counts. Any other line stops the renderer with its file and
line number: a table is made from the data files as they are, never retyped.

The table replaces what is between <!-- results:begin --> and <!-- results:end --> in
docs/RELIABILITY.md (both markers must be there once). Usage, from the repository root:

    python3 docs/results/render-reliability.py          # rewrite the table
    python3 docs/results/render-reliability.py --check  # exit 1 if the table is not up to date
"""
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
RESULTS = ROOT / "docs" / "results"
DOC = ROOT / "docs" / "RELIABILITY.md"
BEGIN = "<!-- results:begin -->"
END = "<!-- results:end -->"


def read_records():
    """(suite, category) -> {"outcomes": {outcome: count}, "files": [names]}, in first-seen order."""
    table = {}
    files = sorted(RESULTS.glob("*.txt"))
    if not files:
        sys.exit(f"no data files in {RESULTS}")
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) != 4 or not fields[3].isdigit() or not all(f.strip() for f in fields[:3]):
                sys.exit(f"{path.name}:{number}: not suite<TAB>category<TAB>outcome<TAB>count: {line!r}")
            suite, category, outcome, count = fields
            row = table.setdefault((suite, category), {"outcomes": {}, "files": []})
            row["outcomes"][outcome] = row["outcomes"].get(outcome, 0) + int(count)
            if path.name not in row["files"]:
                row["files"].append(path.name)
    return table


def cell(text):
    return text.replace("|", "\\|")


def render(table):
    lines = [
        "| suite | tried or injected | count | outcomes (count each) | data |",
        "|---|---|---:|---|---|",
    ]
    for (suite, category), row in table.items():
        tried = sum(row["outcomes"].values())
        outcomes = "; ".join(f"{cell(o)}: {n:,}" for o, n in row["outcomes"].items())
        data = ", ".join(f"[{name}](results/{name})" for name in row["files"])
        lines.append(f"| {cell(suite)} | {cell(category)} | {tried:,} | {outcomes} | {data} |")
    return "\n".join(lines)


def main():
    doc = DOC.read_text(encoding="utf-8")
    if doc.count(BEGIN) != 1 or doc.count(END) != 1 or doc.index(BEGIN) > doc.index(END):
        sys.exit(f"{DOC} needs {BEGIN} and {END} once each, in that order")
    head, rest = doc.split(BEGIN)
    _, tail = rest.split(END)
    updated = head + BEGIN + "\n" + render(read_records()) + "\n" + END + tail
    if "--check" in sys.argv[1:]:
        if updated != doc:
            sys.exit(f"{DOC} is not up to date: run python3 docs/results/render-reliability.py")
        return
    DOC.write_text(updated, encoding="utf-8")


if __name__ == "__main__":
    main()
