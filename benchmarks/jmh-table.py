#!/usr/bin/env python3
"""Renders JMH JSON results as markdown tables for benchmarks/RESULTS.md.

  benchmarks/jmh-table.py suite RESULT.json
      one row per benchmark: ns/op and gc.alloc.rate.norm (B/op)
  benchmarks/jmh-table.py ab OLD1.json NEW1.json [OLD2.json NEW2.json ...]
      old against new, runs taken in the order given (alternated), and new/old of the means
"""
import json
import sys


def rows(path):
    out = {}
    for b in json.load(open(path)):
        name = ".".join(b["benchmark"].split(".")[-2:])
        alloc = b.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
        out[name] = (b["primaryMetric"]["score"], alloc)
    return out


def suite(path):
    print("| benchmark | ns/op | B/op |")
    print("|---|---:|---:|")
    for name, (ns, alloc) in rows(path).items():
        print(f"| {name} | {ns:,.1f} | {'' if alloc is None else f'{alloc:,.3f}'} |")


def ab(paths):
    old, new = {}, {}
    for i, p in enumerate(paths):
        for name, (ns, _) in rows(p).items():
            (old if i % 2 == 0 else new).setdefault(name, []).append(ns)
    print("| benchmark | old ns/op | new ns/op | new/old |")
    print("|---|---:|---:|---:|")
    for name in old:
        o, n = old[name], new.get(name, [])
        ratio = (sum(n) / len(n)) / (sum(o) / len(o)) if n else float("nan")
        print(f"| {name} | {' / '.join(f'{x:,.1f}' for x in o)} | {' / '.join(f'{x:,.1f}' for x in n)} | {ratio:.2f} |")


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "suite":
        suite(sys.argv[2])
    elif len(sys.argv) >= 4 and sys.argv[1] == "ab" and len(sys.argv) % 2 == 0:
        ab(sys.argv[2:])
    else:
        sys.exit(__doc__)
