#!/usr/bin/env python3
"""Quantiles of a Prometheus histogram between two scrapes of the engine's /metrics.

    engine-quantiles.py METRIC START_SCRAPE END_SCRAPE [LABEL=VALUE]

METRIC is the histogram's name without _bucket (lumbung_ingest_latency_seconds,
lumbung_journal_sync_latency_seconds); only series whose labels include LABEL="VALUE" count,
summed. Prints one JSON object: {"count": N, "p50": ms, "p90": ms, "p99": ms, "p999": ms}, each
quantile as PromQL's histogram_quantile computes it (linear within the bucket), in milliseconds,
over the observations made between the two scrapes; {"count": 0} when there were none.
Used by compare.sh and engine-latency.sh.
"""
import json
import re
import sys


def buckets(path, metric, label):
    out = {}
    for line in open(path):
        m = re.match(re.escape(metric) + r'_bucket\{(.*)\} (\S+)', line)
        if not m or (label and label not in m.group(1)):
            continue
        le = re.search(r'le="([^"]+)"', m.group(1)).group(1)
        bound = float("inf") if le == "+Inf" else float(le)
        out[bound] = out.get(bound, 0.0) + float(m.group(2))
    return out


def main():
    metric, start, end = sys.argv[1], sys.argv[2], sys.argv[3]
    label = ""
    if len(sys.argv) > 4:
        key, value = sys.argv[4].split("=", 1)
        label = f'{key}="{value}"'
    a, z = buckets(start, metric, label), buckets(end, metric, label)
    cumulative = [(le, z[le] - a.get(le, 0.0)) for le in sorted(z)]
    total = cumulative[-1][1] if cumulative else 0

    def quantile(q):
        rank, lower, below = q * total, 0.0, 0.0
        for le, count in cumulative:
            if count >= rank:
                return lower if le == float("inf") else lower + (le - lower) * (rank - below) / max(count - below, 1e-9)
            lower, below = le, count
        return lower

    result = {"count": int(total)}
    if total > 0:
        for name, q in (("p50", .5), ("p90", .9), ("p99", .99), ("p999", .999)):
            result[name] = round(quantile(q) * 1e3, 3)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
