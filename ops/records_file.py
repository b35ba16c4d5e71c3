"""Rewrites a reliability run's data file: its raw '#' lines kept, its records computed again.

Shared by ops/power-cut-records.py and ops/cluster-crash-records.py: each gives the pattern of its
raw lines and how records derive from them; the file's layout is the same for both (the raw lines
as '#' lines, then the records' heading and one tab-separated record a line), which
docs/results/render-reliability.py reads.
"""
import pathlib


def rewrite(path, raw_pattern, derive, script):
    """Keeps the file's lines but its records, derives records from the raw lines, writes them after."""
    source = pathlib.Path(path)
    kept, raw = [], []
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
        if "\t" in line and not line.startswith("#"):
            continue  # a record: computed again below
        match = raw_pattern.match(line)
        if match:
            raw.append((number, match.group(1)))
            kept.append("# " + match.group(1))
        elif line.startswith("# suite<TAB>category<TAB>outcome<TAB>count"):
            continue  # the records' heading, written again below
        else:
            kept.append(line)
    records = derive(raw, source.name)
    out = kept + ["# suite<TAB>category<TAB>outcome<TAB>count, computed by " + script + " from the lines above"]
    out += ["\t".join((suite, category, outcome, str(count))) for suite, category, outcome, count in records]
    source.write_text("\n".join(out) + "\n", encoding="utf-8")
