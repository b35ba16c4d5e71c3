#!/usr/bin/env python3
"""Renders benchmarks/RESULTS.md, the page of current benchmark results, from the raw run records
under benchmarks/results/ (written by benchmarks/record-result.py, one JSON file per run) and the
targets in benchmarks/targets.json. Every figure on the page comes from those files; the only
hand-written text is the header below (HEADER) and the one-line description of each script
(SCRIPTS).

For each benchmark: one table of its latest run's figures, with the run's date, machine, command,
load and commit, and a line per earlier run. For each target: a verdict over every recorded run
since the last change to the code the target measures (`git log -1 -- PATHS`); a run counts when
its recorded commit contains that change (`git merge-base --is-ancestor`) and its tree was clean.

    python3 benchmarks/render-results.py          # rewrite benchmarks/RESULTS.md
    python3 benchmarks/render-results.py --check  # exit 1 if the committed page is not what it renders

The verdicts depend on the repository's history: a commit that changes measured code changes the
verdicts of its targets, and --check then asks for the page to be rendered again.
"""
import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
PAGE = ROOT / "benchmarks" / "RESULTS.md"

HEADER = """\
# Lumbung benchmark results

This page is rendered by `python3 benchmarks/render-results.py` from the raw results under
`benchmarks/results/<date>/` (one JSON file per run, written by the benchmark script that made the
run through `benchmarks/record-result.py`) and the targets in `benchmarks/targets.json`. Do not
edit it by hand: run a script, commit the JSON file it wrote, render, commit the page. CI checks
that the page is what the data renders (`render-results.py --check`). Runs that are no longer the
latest stay listed under their benchmark; the history of this page lives in git.

Machine: each run records its own (CPUs, CPU model, memory, kernel, JDK, load average). The runs
so far are on a shared 2-core KVM guest, where the load generator and the server share the two
cores: times move by tens of percent between runs, so a verdict holds only when every counted run
meets the target. A figure the run did not record reads "not recorded".

## How to run

| script | what it measures | how to run |
|---|---|---|
{scripts}

## Targets

A target is **met** only when every recorded run since the last change to the code it measures
(for a figure read through wrk or wrk2, also to their replay script) meets it; a run counts when
its recorded commit contains that change and its tree had no uncommitted changes. "Met in warm
runs only" means the warm runs meet it and a first run after a start does not (or none was
recorded).

| target | measured by | threshold | verdict | runs counted | code measured, last changed |
|---|---|---:|---|---:|---|
{targets}
"""

# benchmark -> (script, what it measures, how to run); the order of the page
SCRIPTS = {
    "compare": ("benchmarks/compare.sh", "engine against the no-op HTTP server and PostgreSQL: single posts and batches of 100 under wrk "
                "(pre-signed requests, `benchmarks/wrk/replay.lua`) and under the Java load generator, half-rate p99 (wrk2 at a constant rate, built by `benchmarks/wrk2/build.sh`, and the Java open loop), "
                "CPU shares of generator and server",
                "`benchmarks/compare.sh` (about 6 min; env WRK_S, WRK_WARM_S, WRK_THREADS, WRK_CONNECTIONS for wrk; LOAD_S, WARM_S, "
                "CONNECTIONS, BATCH_CONNECTIONS for the Java generator)"),
    "where-time-goes": ("benchmarks/where-time-goes.sh", "engine and no-op server under wrk single posts: CPU µs and context switches per "
                        "request by server thread (/proc), perf stat per request for server and wrk",
                        "`benchmarks/where-time-goes.sh` (about 1 min; env WARM_S, LOAD_S, WRK_THREADS, WRK_CONNECTIONS)"),
    "disk-force": ("benchmarks/disk-force.sh", "what one journal force costs on this disk with nothing else running: mapped "
                   "writes then fdatasync, one and two threads, the tail page alone and with the header page, the file allocated "
                   "by writing zeros or by reading it and writing it back",
                   "`benchmarks/disk-force.sh` (about 30 s; env DIR, SECONDS_PER_CASE)"),
    "profile": ("benchmarks/profile.sh", "where the engine's CPU goes by method under wrk (single posts or batches of 100): "
                "async-profiler CPU samples, kernel frames included, per thread group: µs per request, the frames that spend most "
                "themselves, the engine's methods with what runs under them",
                "`benchmarks/profile.sh` (about 1 min; env MODE single|batch, WARM_S, LOAD_S, INTERVAL_US)"),
    "close-under-load": ("benchmarks/close-under-load.sh", "a close of every cooperative (about 10 M payments) while terminals post at a fixed rate",
                         "`benchmarks/close-under-load.sh` warm, `COLD=1 benchmarks/close-under-load.sh` for the first close after a start (env RATE, FILL_PAYMENTS)"),
    "run-restart": ("benchmarks/run-restart.sh", "restart to ready, whole process, from the snapshot and from the whole journal",
                    "`benchmarks/run-restart.sh [payments=10000000] [rounds=3]`"),
    "run-jmh": ("benchmarks/run-jmh.sh", "the JMH suite of per-payment steps: ns/op and B/op",
                "`benchmarks/run-jmh.sh [REGEX] [JMH args]` (about 4 min for the whole suite)"),
    "jmh-ab": ("java -jar benchmarks.jar", "JMH rows of two commits side by side, alternated",
               "build each commit's `benchmarks/target/benchmarks.jar`, run them alternately with `-rf json`, record with `record-result.py jmh-ab`"),
    "ab-engine": ("benchmarks/ab-engine.sh", "two engine jars side by side: single posts, half-rate p99, batches",
                  "`benchmarks/ab-engine.sh OLD.jar NEW.jar` (env ROUNDS, LOAD_S, WARM_S, OPTS_A, OPTS_B)"),
    "first-scrape": ("benchmarks/first-scrape.sh", "the first /metrics scrapes, two engine jars side by side: idle scrape times, and "
                     "the methods the JIT made not entrant (compiled code thrown away) after a scrape under wrk single posts, "
                     "beside a window with none",
                     "`benchmarks/first-scrape.sh OLD.jar NEW.jar` (env ROUNDS, WARM_S, LOAD_S)"),
    "engine-latency": ("benchmarks/engine-latency.sh", "the engine's own answer and force latency at an offered rate",
                       "`benchmarks/engine-latency.sh LABEL RATE [engine JVM options]`"),
    "cpu-budget": ("benchmarks/cpu-budget.sh", "CPU per batched payment, engine and no-op server, by thread group",
                   "`benchmarks/cpu-budget.sh` (env ROUNDS, WARM_S, LOAD_S)"),
    "iso-load": ("benchmarks/iso-load.sh", "ISO 8583 approvals/s with MACs, sync durability",
                 "`benchmarks/iso-load.sh [connections=64] [seconds=15]`"),
    "run-settlement-scale": ("benchmarks/run-settlement-scale.sh", "fill and close at scale under intake, then replay (in process)",
                             "`benchmarks/run-settlement-scale.sh [payments] [coops] [traders]`"),
    "settlement-scale-obligations": ("OBLIGATIONS=N benchmarks/run-settlement-scale.sh", "the same fills and closes side by side without and with member obligations (one per trader): close times and their ratio",
                                     "`OBLIGATIONS=100000 benchmarks/run-settlement-scale.sh [payments] [coops] [traders]` (env ROUNDS, HEAP)"),
    "settlement-scale-warmup": ("WARMUP_AB=1 OBLIGATIONS=N benchmarks/run-settlement-scale.sh", "the same fills and closes side by side without and with settlement's warm-up at start (synthetic batches rendered in memory): close times and their ratio",
                                "`WARMUP_AB=1 OBLIGATIONS=100000 benchmarks/run-settlement-scale.sh [payments] [coops] [traders]` (env ROUNDS, HEAP)"),
    "run-file-phase": ("benchmarks/run-file-phase.sh", "rendering and writing 1,000 cooperatives' settlement files under intake",
                       "`benchmarks/run-file-phase.sh [coops] [members] [rounds] [variants] [intake]`"),
    "kafka-cluster": ("benchmarks/kafka-cluster.sh", "the Kafka journal, 3 brokers and 3 engine nodes, beside a plain idempotent producer "
                      "(acks=all, no transactions) on the same brokers: payments/s single and in batches of 100, commit latency p50 / p99 "
                      "against the producer's send latency, failover from kill -9 to every partition served again",
                      "`benchmarks/kafka-cluster.sh` (about 6 min; env WARM_S, LOAD_S, CONNECTIONS, BATCH_CONNECTIONS, PIPELINED, "
                      "FAILOVER_ROUNDS, COOPS, NODE_HEAP, NODE_WARM_S, KAFKA_PORT_BASE)"),
}


# ---------------------------------------------------------------- git

def git(root, *args, check=True):
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=check)


def last_change(root, paths):
    """(commit, date) of the last commit that changed any of paths, or (None, None)."""
    out = git(root, "log", "-1", "--format=%H %cs", "--", *paths).stdout.split()
    return (out[0], out[1]) if out else (None, None)


def contains(root, run_commit, change):
    """True when run_commit has change in its history (a run of that commit measured the change)."""
    if not run_commit:
        return False
    return git(root, "merge-base", "--is-ancestor", change, run_commit, check=False).returncode == 0


# ---------------------------------------------------------------- records

def load_records(results):
    records = []
    for path in sorted(results.rglob("*.json")):
        try:
            r = json.loads(path.read_text())
        except json.JSONDecodeError as e:
            sys.exit(f"{path}: not JSON: {e}")
        for key in ("schema", "benchmark", "dateUtc", "command", "machine", "code", "load", "figures"):
            if key not in r:
                sys.exit(f"{path}: no {key!r} (a record is written by benchmarks/record-result.py)")
        if r["schema"] != 1:
            sys.exit(f"{path}: schema {r['schema']}, this renderer reads schema 1")
        r["_path"] = path.relative_to(results.parent.parent).as_posix() if path.is_relative_to(results.parent.parent) else str(path)
        records.append(r)
    records.sort(key=lambda r: (r["dateUtc"], r["_path"]))
    return records


def by_label(record):
    return {r.get("label"): r for r in record["figures"].get("runs", [])}


def errors(row):
    return {k: v for k, v in row.get("outcomes", {}).items() if k not in ("201", "item 201")}


# ---------------------------------------------------------------- figures for targets
# Each extractor returns the samples one run gives a target: a list of (value, warm, what); warm is
# None where the target does not tell first from warm runs. A run without the figure, or whose
# rows were not all acceptances (an invalid run), gives none.

def _valid(*rows):
    return all(row is not None and not errors(row) for row in rows)


def single_over_noop(r):
    """wrk's rows when the run has them (the light generator the target is defined with), else the Java generator's."""
    rows = by_label(r)
    for prefix in ("wrk-", ""):
        e, n = rows.get(prefix + "engine-single"), rows.get(prefix + "noop-single")
        if e is not None and n is not None:
            return [(e["paymentsPerS"] / n["paymentsPerS"], None, f"{prefix}engine-single / {prefix}noop-single")] if _valid(e, n) else []
    return []


def single_over_postgres(r):
    rows = by_label(r)
    e = rows.get("engine-single")
    pg = [x for x in r["figures"].get("runs", []) if x.get("label") == "postgres"]
    if not _valid(e) or not pg:
        return []
    best = max(pg, key=lambda x: x["tps"])
    return [(e["paymentsPerS"] / best["tps"], None, f"engine-single / PostgreSQL at {best['clients']} clients")]


def batch_payments_per_s(r):
    """wrk's row when the run has one, else the Java generator's."""
    rows = by_label(r)
    label = "wrk-engine-batch" if "wrk-engine-batch" in rows else "engine-batch"
    b = rows.get(label)
    return [(b["paymentsPerS"], None, label)] if _valid(b) else []


def _half_rate_row(r):
    """wrk2's row when the run has it (the light constant-rate generator), else the Java generator's open loop."""
    rows = by_label(r)
    return rows.get("wrk2-engine-half-rate") or rows.get("engine-half-rate")


def half_rate_p99_client_us(r):
    h = _half_rate_row(r)
    return [(h["latencyUs"]["p99"], None, f"{h['label']} at {h['rateTargetPerS']:,}/s")] if _valid(h) else []


def half_rate_p99_engine_us(r):
    h = _half_rate_row(r)
    if not _valid(h) or "engineLatencyMs" not in h:
        return []
    return [(h["engineLatencyMs"]["p99"] * 1000, None, f"engine's own, over {h['label']} at {h['rateTargetPerS']:,}/s")]


def close_ms_10m(r):
    close = r["figures"].get("close", {})
    if close.get("payments", 0) < 10_000_000 or "duration_ms" not in close:
        return []
    first = r["figures"].get("firstCloseAfterStart")
    return [(close["duration_ms"], not first, f"{close['payments']:,} payments, {'first close after a start' if first else 'warm'}")]


def close_ms_10m_obligations(r):
    """Every close of 10 M payments or more in a run with 100,000 obligations or more: the first in its
    process is the first close after a start, the later ones warm."""
    samples = []
    runs = r["figures"].get("runs", [])
    for run in runs:
        if run["obligations"] < 100_000:
            continue
        without = [x for x in runs if x["obligations"] == 0 and x["round"] == run["round"]]
        for k, c in enumerate(run["closes"]):
            if c["payments"] < 10_000_000:
                continue
            beside = f", without obligations {without[0]['closes'][k]['seconds'] * 1000:,.0f} ms" if without and k < len(without[0]["closes"]) else ""
            samples.append((c["seconds"] * 1000, k > 0, f"{c['payments']:,} payments, {run['obligations']:,} obligations, "
                            f"{'first close after a start' if k == 0 else 'warm'} ({c['variant']}){beside}"))
    return samples


def measured_snapshot_start(s):
    """A run-restart start of the measured jar from the snapshot, as the shipped launchers start it: one
    that maps a class-data archive is the A/B of class loading (the launchers pass none), and one of
    OLD_JAR the A/B of two builds; neither decides the target."""
    return s["loaded"].startswith("event=snapshot_loaded") and not s.get("classDataArchive") and not s.get("oldJar")


def snapshot_start_payments_per_s(r):
    if r["load"].get("payments", 0) < 10_000_000:
        return []
    return [(s["journaledPaymentsPerS"], None, f"start from the snapshot, ready after {s['readyS']} s")
            for s in r["figures"].get("runs", []) if measured_snapshot_start(s)]


def kafka_failover_ms(r):
    """Each failover round of a kafka-cluster run: kill -9 of a node to every partition served again."""
    return [(f["servedAgainMs"], None, f"round {f['round']}, {f['node']} owned {f['partitionsOwned']} of {f['partitions']} partitions")
            for f in r["figures"].get("failover", [])]


EXTRACTORS = {f.__name__: f for f in (single_over_noop, single_over_postgres, batch_payments_per_s, half_rate_p99_client_us,
                                      half_rate_p99_engine_us, close_ms_10m, close_ms_10m_obligations,
                                      snapshot_start_payments_per_s, kafka_failover_ms)}


def fmt(value, unit):
    if unit.startswith("×"):
        return f"{value:.2f} {unit}"
    return f"{value:,.0f} {unit}"


def verdict(target, records, root):
    """(verdict text, runs counted, last change text) for one target over the records."""
    commit, date = last_change(root, target["paths"])
    changed = f"`{commit[:7]}` ({date})" if commit else "no commit"
    counted = [r for r in records if r["benchmark"] == target["benchmark"] and r["code"].get("dirty") is False
               and commit and contains(root, r["code"].get("commit"), commit)]
    extract = EXTRACTORS[target["figure"]]
    samples = [(v, warm, what, r) for r in counted for v, warm, what in extract(r)]
    if not samples:
        return "no run recorded since the last change", 0, changed
    ok = (lambda v: v >= target["threshold"]) if target["op"] == ">=" else (lambda v: v <= target["threshold"])
    failing = [s for s in samples if not ok(s[0])]
    worst = (min if target["op"] == ">=" else max)(failing, key=lambda s: s[0]) if failing else None
    runs = len({id(s[3]) for s in samples})

    def cite(s):
        return f"{fmt(s[0], target['unit'])} ({s[2]}, {s[3]['dateUtc']}, `{s[3]['code']['commit'][:7]}`)"

    if target.get("coldAndWarm"):
        warm = [s for s in samples if s[1]]
        cold = [s for s in samples if not s[1]]
        warm_ok = warm and all(ok(s[0]) for s in warm)
        if warm_ok and not cold:
            return "**met in warm runs only**: no first run after a start recorded", runs, changed
        if warm_ok and failing:
            return f"**met in warm runs only**: first run after a start {cite(worst)}", runs, changed
    if failing:
        return f"**not met**: {cite(worst)}", runs, changed
    return "**met**", runs, changed


# ---------------------------------------------------------------- tables per benchmark

def plain(value):
    """A value as text: lists joined, commit ids shortened."""
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    value = str(value)
    if len(value) == 40 and all(c in "0123456789abcdef" for c in value):
        value = value[:10]
    return value


def cell(value):
    return plain(value).replace("|", "\\|")


def table(header, rows):
    aligns = ["---:" if h.startswith(">") else "---" for h in header]
    out = ["| " + " | ".join(h.lstrip(">") for h in header) + " |", "|" + "|".join(aligns) + "|"]
    out += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return out


def n0(x):
    return f"{x:,.0f}"


def latency(row):
    lat = row.get("latencyUs", {})
    return " / ".join(n0(lat[k]) for k in ("p50", "p99", "p999", "max") if k in lat)


def load_rows(r):
    rows = []
    for row in r["figures"]["runs"]:
        if row.get("label") == "postgres":
            continue
        own = row.get("engineLatencyMs")
        how = f"rate {row['rateTargetPerS']:,}/s" if row.get("rateTargetPerS") else "closed loop"
        rows.append([f"{row['label']} ({row['mode']}, {how}, {row['connections']} conn)", n0(row["answersPerS"]),
                     n0(row["paymentsPerS"]), latency(row),
                     f"{own['p50']} / {own['p99']} / {own['p999']}" if own else "not recorded",
                     row.get("generatorCpuS", ""), row.get("serverCpuS", "not recorded"),
                     ", ".join(f"{k}={v:,}" for k, v in errors(row).items()) or "none"])
    return table(["run", ">requests/s", ">payments/s", "latency µs p50 / p99 / p99.9 / max",
                  "engine's own ms p50 / p99 / p99.9", ">generator CPU s", ">server CPU s", "errors"], rows)


def render_compare(runs):
    r = runs[-1]
    out = load_rows(r)
    pg = [x for x in r["figures"]["runs"] if x.get("label") == "postgres"]
    if pg:
        out += [""] + table(["PostgreSQL (pgbench, one transaction per payment)", ">transactions/s", ">latency ms avg"],
                            [[f"{x['clients']} clients", n0(x["tps"]), f"{x['latencyAvgMs']:.2f}"] for x in pg])
    return out


def render_ab_engine(runs):
    """Each run since the engine's code last changed (pairs of builds or of settings), else the latest."""
    change, _ = last_change(ROOT, ["engine/src/main", "engine/pom.xml"])
    same = [r for r in runs if change and r["code"].get("dirty") is False and contains(ROOT, r["code"].get("commit"), change)]
    same = same or runs[-1:]
    out = []
    for r in same:
        if len(same) > 1:
            out += [("" if not out else "\n") + f"{r['dateUtc']}: `{r['command']}`", ""]
        out += ab_engine_table(r)
    return out


def ab_engine_table(r):
    rows = {x["label"]: x for x in r["figures"]["runs"]}
    out = []
    for n in range(1, r["load"]["rounds"] + 1):
        for name, key, f in (("single posts/s (closed loop)", "single", lambda x: x["paymentsPerS"]),
                             ("batch payments/s", "batch", lambda x: x["paymentsPerS"]),
                             ("p50 µs at half own max", "half", lambda x: x["latencyUs"]["p50"]),
                             ("p99 µs at half own max", "half", lambda x: x["latencyUs"]["p99"]),
                             ("p99.9 µs at half own max", "half", lambda x: x["latencyUs"]["p999"])):
            a, b = rows.get(f"A-{key}-{n}"), rows.get(f"B-{key}-{n}")
            if a and b:
                out.append([n, name, n0(f(a)), n0(f(b)), f"{f(b) / f(a):.2f}"])
    return table([">round", "measure", ">A", ">B", ">B/A"], out)


def render_first_scrape(runs):
    r = runs[-1]
    out = []
    for x in sorted(r["figures"]["runs"], key=lambda x: (x["round"], x["side"])):
        ne, c2 = x["notEntrant"], x["notEntrantTier4"]
        out.append([x["round"], x["side"], " / ".join(f"{v:,}" for v in x["idleScrapeMs"]),
                    " / ".join(f"{v:,}" for v in x["loadedScrapeMs"]),
                    f"{ne['none']} ({c2['none']})", f"{ne['firstScrape']} ({c2['firstScrape']})",
                    f"{ne['secondScrape']} ({c2['secondScrape']})", n0(x["wrkAnswersPerS"])])
    return table([">round", "jar", ">idle scrapes ms (1st / 2nd / 3rd)", ">scrapes under load ms (1st / 2nd)",
                  ">not entrant, no scrape (of them C2)", ">after 1st scrape under load", ">after 2nd",
                  ">wrk single posts/s"], out)


def jmh_rows(results):
    out = {}
    for b in results:
        name = ".".join(b["benchmark"].split(".")[-2:])
        alloc = b.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
        out[name] = (b["primaryMetric"]["score"], b["primaryMetric"].get("scoreError"), b["primaryMetric"]["scoreUnit"], alloc)
    return out


def render_jmh(runs):
    """One row per JMH benchmark, from the latest run that measured it (a run may cover a few rows)."""
    latest = {}
    for r in runs:
        for name, row in jmh_rows(r["figures"]["jmh"]).items():
            latest[name] = (row, r)
    rows = [[name, f"{s:,.1f}", "" if err is None or err != err else f"{err:,.1f}", unit, "not recorded" if a is None else f"{a:,.3f}",
             f"{r['dateUtc']} `{(r['code'].get('commit') or 'not recorded')[:7]}`"]
            for name, ((s, err, unit, a), r) in sorted(latest.items())]
    return (["Each row from the latest run that measured it."
             + (" Earlier rows were measured at other commits and times: compare rows of one run with each other." if len(runs) > 1 else ""), ""]
            + table(["benchmark", ">score", ">± error (99.9%)", "unit", ">B/op", "run (UTC, commit)"], rows))


def render_jmh_ab(runs):
    r = runs[-1]
    old = [jmh_rows(x) for x in r["figures"]["old"]]
    new = [jmh_rows(x) for x in r["figures"]["new"]]
    rows = []
    for name in old[0]:
        o = [x[name][0] for x in old if name in x]
        n = [x[name][0] for x in new if name in x]
        ratio = f"{(sum(n) / len(n)) / (sum(o) / len(o)):.2f}" if n else "not recorded"
        rows.append([name, " / ".join(f"{x:,.1f}" for x in o), " / ".join(f"{x:,.1f}" for x in n), ratio])
    return ([f"old `{r['load']['old'][:7]}`, new `{r['load']['new'][:7]}`, ns/op of each run in the order run.", ""]
            + table(["benchmark", ">old ns/op", ">new ns/op", ">new/old (means)"], rows))


def render_engine_latency(runs):
    r = runs[-1]
    f = r["figures"]
    gen = f["runs"][-1] if f.get("runs") else {}

    def q(d):
        return " / ".join(str(d[k]) for k in ("p50", "p99", "p999") if k in d) if d.get("count") else "none"
    return table(["label", ">offered/s", ">answers/s", "client µs p50 / p99 / p99.9 / max", "engine's own ms p50 / p99 / p99.9",
                  "journal force ms p50 / p99 / p99.9"],
                 [[f["label"], n0(r["load"]["ratePerS"]), n0(gen.get("answersPerS", 0)), latency(gen), q(f["engineLatencyMs"]),
                   q(f["journalForceMs"])]])


def render_cpu_budget(runs):
    r = runs[-1]
    return table(["run", ">payments/s", ">server µs/payment", ">generator µs/payment", "server by thread group, µs/payment"],
                 [[x["label"], n0(x["paymentsPerS"]), x["serverUsPerPayment"], x["generatorUsPerPayment"],
                   ", ".join(f"{g} {v}" for g, v in x["serverGroupsUsPerPayment"].items())] for x in r["figures"]["runs"]])


def render_where_time_goes(runs):
    f = runs[-1]["figures"]
    e, n = f["engine"], f["noop"]
    out = table(["server", ">requests/s", ">requests", "latency µs p50 / p99 / p99.9 / max", ">wrk CPU share", ">server CPU share", "errors"],
                [[name, n0(x["wrk"]["answersPerS"]), n0(x["wrk"]["answers"]), latency(x["wrk"]), f"{x['wrk']['generatorCpuShare']:.0%}",
                  f"{x['wrk']['serverCpuShare']:.0%}", ", ".join(f"{k}={v:,}" for k, v in errors(x["wrk"]).items()) or "none"]
                 for name, x in (("engine", e), ("no-op server", n))])
    for name, x in (("engine", e), ("no-op server", n)):
        out += ["", f"{name}, by thread (comm), per request:", ""] + table(
            ["thread", ">threads", ">CPU s", ">CPU µs", ">of it user µs", ">of it kernel µs", ">voluntary switches",
             ">involuntary switches", ">waited for a core µs"],
            [[t["name"], t["count"], t["cpuS"], t["cpuUsPerRequest"], t.get("userUsPerRequest", "not recorded"),
              t.get("systemUsPerRequest", "not recorded"), t["voluntaryPerRequest"], t["involuntaryPerRequest"],
              t.get("runQueueWaitUsPerRequest", "not recorded")]
             for t in x["threads"]["threads"] + [x["threads"]["total"]]])
    j = e.get("journal")
    if j:
        out += ["", "engine, its journal forces over the run (from its /metrics): a single post is answered only after the "
                "force that covers it, and one force runs at a time (compare with the writer's CPU per request above):", ""] + table(
            [">forces", ">forces per request", ">payments per force", ">mean force µs", ">writer's time inside forces, µs per request"],
            [[n0(j["forces"]), j["forcesPerRequest"], j["paymentsPerForce"], j["forceUsMean"], j["forceUsPerRequest"]]])
    perf = [[f"{who} {k}", pe[k], pn[k], f"{pe[k] - pn[k]:.3f}"]
            for who in ("server", "wrk")
            for pe, pn in [(e["perf"].get(who, {}).get("perRequest", {}), n["perf"].get(who, {}).get("perRequest", {}))]
            for k in sorted(set(pe) & set(pn))]
    if perf:
        out += ["", "perf stat per request (wrk's includes loading its request files):", ""] + table(
            ["measure", ">engine", ">no-op server", ">engine - no-op"], perf)
    return out


def render_profile(runs):
    """The latest run of each mode: its thread groups, then the event loops' and the journal writer's frames."""
    latest = {}
    for r in runs:
        latest[r["figures"]["mode"]] = r
    out = []
    for mode, r in sorted(latest.items()):
        f = r["figures"]
        w = f["wrk"]
        out += [f"{mode} posts ({r['dateUtc']}, `{r['code']['commit'][:7]}`): {n0(w['answersPerS'])} requests/s, "
                f"{n0(w['paymentsPerS'])} payments/s; {n0(f['samples'])} samples of {f['intervalUs']} µs of CPU.", ""]
        out += table(["thread group", ">samples", ">CPU µs per request", ">CPU µs per payment"],
                     [[g["name"], n0(g["samples"]), g["usPerRequest"], g["usPerPayment"]] for g in f["groups"]])
        for g in f["groups"]:
            if g["name"] not in ("event loops", "journal writer"):
                continue
            out += ["", f"{mode} posts, {g['name']}: frames that spend the most themselves, and the engine's methods "
                    "with what runs under them (µs of CPU per request):", ""]
            rows = max(len(g["self"]), len(g["inclusive"]))
            cell = lambda xs, i: (f"`{xs[i]['frame']}`", xs[i]["usPerRequest"]) if i < len(xs) else ("", "")
            out += table(["self", ">µs", "engine method, inclusive", ">µs"],
                         [[*cell(g["self"], i), *cell(g["inclusive"], i)] for i in range(min(rows, 12))])
        out.append("")
    return out[:-1]


def render_close(runs):
    r = runs[-1]
    f = r["figures"]
    c = f.get("close", {})
    out = table(["close", ">payments", ">batches", ">duration ms", ">aggregate ms", ">files ms", ">ns per payment"],
                [["first after a start" if f.get("firstCloseAfterStart") else "warm (after a warm-up close)",
                  n0(c.get("payments", 0)), n0(c.get("batches", 0)), n0(c.get("duration_ms", 0)), n0(c.get("aggregate_ms", 0)),
                  n0(c.get("files_ms", 0)),
                  n0(c["duration_ms"] * 1e6 / c["payments"]) if c.get("payments") else "not recorded"]])
    if "files_stage_ms" in c:
        # the engine's event=window_closed fields; the rest of files ms is handing the batches on (records, logs)
        out += ["", "Where the files phase went, ms: rendering, digesting and writing every temp file on the file "
                "writers; the file system sync before the renames; the renames; the sync after them.", ""]
        out += table([">stage (render, digest, write)", ">first sync", ">renames", ">second sync"],
                     [[n0(c["files_stage_ms"]), n0(c["files_first_sync_ms"]), n0(c["files_rename_ms"]),
                       n0(c["files_second_sync_ms"])]])
    return out + [""] + load_rows(r)


RESTART_CPU = (("jit", "JIT compilers"), ("gc", "GC"), ("main", "main thread"), ("ended", "ended before ready"),
               ("journal", "journal writer and check"), ("settlement", "settlement"), ("eventLoops", "event loops"),
               ("other", "other"))


def render_restart(runs):
    r = runs[-1]
    starts = r["figures"]["runs"]
    out = table([">start", "jar", "snapshot.enabled", "loaded from", "class-data archive", ">ready s", ">journaled payments/s"],
                [[i + 1, f"old (`{s['oldJar']}`)" if s.get("oldJar") else "measured", str(s["snapshotEnabled"]).lower(),
                  s["loaded"], "mapped" if s.get("classDataArchive") else "none", s["readyS"], n0(s["journaledPaymentsPerS"])]
                 for i, s in enumerate(starts)])
    old = [s for s in starts if s.get("oldJar")]
    if old:
        new = [s for s in starts if measured_snapshot_start(s)]
        out += ["", f"The starts of the old jar (`{old[0]['oldJar']}`) are an A/B of two builds on the same data folder: "
                "each follows a start of the measured jar from the same snapshot, and they do not decide the target. "
                f"Ready from the snapshot, measured jar: {', '.join(str(s['readyS']) for s in new)} s; old jar: "
                f"{', '.join(str(s['readyS']) for s in old)} s."]
    if any(s.get("classDataArchive") for s in starts):
        out += ["", "The starts that map a class-data archive are an A/B of class loading: the start before them wrote "
                "the archive at its exit (`-XX:ArchiveClassesAtExit`), and they map it (`-XX:SharedArchiveFile "
                "-Xshare:on`). The shipped launchers (`ops/lumbung`, `ops/lumbung.service`) pass none, so these "
                "starts do not decide the target."]
    timed = [(i + 1, s["phasesMs"]) for i, s in enumerate(starts) if "phasesMs" in s]
    if timed:
        # the engine's event=ready fields: start = journal_open + vertx_ops + state + listeners
        out += ["", "Where each start's time went, ms: before the engine began (JVM, class loading, command line, "
                "configuration), the engine's own phases from its `event=ready` line (journal open includes the "
                "snapshot's load or the replay), and from that line to the first 200 on /health/ready.", ""]
        out += table([">start", ">before engine", ">journal open", ">of it snapshot load", ">Vert.x and ops", ">state",
                      ">listeners", ">engine start", ">ready line to 200"],
                     [[i, n0(p["beforeEngine"]), n0(p["journal_open"]), n0(p["snapshot_load"]) if "snapshot_load" in p else "-",
                       n0(p["vertx_ops"]), n0(p["state"]), n0(p["listeners"]), n0(p["start"]), n0(p["readyLineTo200"])]
                      for i, p in timed])
    cpu = [(i + 1, s["readyS"], s["cpuToReadyMs"]) for i, s in enumerate(starts) if "cpuToReadyMs" in s]
    if cpu:
        # /proc/<pid>/task/*/stat at the first 200, in clock ticks; "ended" is the process's CPU
        # that no live thread holds: threads that finished before ready, the snapshot's loader among them
        out += ["", "Where each start's CPU went up to ready, ms (every thread's user and system time when the first "
                "200 came, grouped by the thread's name; \"ended before ready\" is the process's CPU that no live thread "
                "held then, the snapshot's loader among it), and the cores kept busy on average from exec to ready.", ""]
        out += table([">start", ">CPU ms", ">cores busy"] + [">" + label for _, label in RESTART_CPU],
                     [[i, n0(c["total"]), f"{c['total'] / 1000 / ready:.2f}"] + [n0(c.get(k, 0)) for k, _ in RESTART_CPU]
                      for i, ready, c in cpu])
    return out


def render_iso(runs):
    r = runs[-1]
    f = r["figures"]
    return table([">connections", ">seconds", ">approvals", ">approvals/s", ">declined", "latency µs p50 / p99 / p99.9 / max"],
                 [[f["connections"], f["seconds"], n0(f["approvals"]), n0(f["approvalsPerS"]), n0(f["declined"]), latency(f)]])


def render_disk_force(runs):
    rows = runs[-1]["figures"]["runs"]
    return ["Each case alone on the box: bytes written through a mapping of an allocated file, then fdatasync, "
            "repeated for the case's seconds. \"tail+header\" also writes 8 bytes on the file's first page before each "
            "force, as a Chronicle cycle file's header takes the write position with every append. The file is allocated "
            "first: 64 KiB at a time by writing zeros (\"write\", as the journal's room is) or by reading the sparse file and "
            "writing it back (\"read-write\"), or by one fallocate, its blocks unwritten extents (\"fallocate\", in runs that "
            "have it).", ""] + table(
        [">threads", ">bytes per force", "pages written", "file allocated by", ">forces/s", ">mean µs", ">p50 µs", ">p99 µs"],
        [[x["threads"], n0(x["bytesPerForce"]), x["pages"], x["allocation"], n0(x["forcesPerS"]),
          x["usMean"], x["usP50"], x["usP99"]]
         for x in rows])


def render_scale(runs):
    r = runs[-1]
    f = r["figures"]
    out = table(["close", ">payments", ">batches", ">seconds"],
                [[c["variant"], n0(c["payments"]), n0(c["batches"]), c["seconds"]] for c in f["closes"]])
    if f.get("replay"):
        p = f["replay"]
        out += [""] + table([">replayed entries", ">seconds", ">entries/s", ">ready after s"],
                            [[n0(p["entries"]), p["seconds"], n0(p["entriesPerS"]), p["readyS"]]])
    return out


def close_split(c):
    """A close's "aggregate / files ms" cell."""
    return f"{n0(c['aggregateMs'])} / {n0(c['filesMs'])}" if "aggregateMs" in c else "not recorded"


def render_scale_obligations(runs):
    r = runs[-1]
    f = r["figures"]
    out = table(["close", ">without s (median)", ">with s (median)", ">with / without"],
                [[c["variant"], c["withoutMedianS"], c["withMedianS"], f"{c['ratio']:.2f}"] for c in f["comparison"]])
    rows = []
    for run in f["runs"]:
        for c in run["closes"]:
            split = close_split(c)
            deducted = (f"{n0(c['membersDeducted'])} of {n0(c['members'])} ({n0(c['membersPaidNothing'])} paid nothing out)"
                        if "members" in c else "not recorded")
            rows.append([run["round"], n0(run["obligations"]), c["variant"], n0(c["payments"]), n0(c["batches"]), c["seconds"], split,
                         deducted, n0(c["payoutsFiles"]) if "payoutsFiles" in c else "not recorded"])
    return out + [""] + table([">round", ">obligations", "close", ">payments", ">batches", ">seconds", "aggregate / files ms",
                               "members deducted", ">payouts files"], rows)


def render_scale_warmup(runs):
    f = runs[-1]["figures"]
    out = table(["close", ">without the warm-up s (median)", ">with it s (median)", ">with / without"],
                [[c["variant"], c["offMedianS"], c["onMedianS"], f"{c['ratio']:.2f}"] for c in f["comparison"]])
    rows = []
    for run in f["runs"]:
        for c in run["closes"]:
            split = close_split(c)
            rows.append([run["round"], "yes" if run["warmUp"] else "no", n0(run["obligations"]), c["variant"], n0(c["payments"]),
                         c["seconds"], split])
    return out + [""] + table([">round", "warm-up", ">obligations", "close", ">payments", ">seconds", "aggregate / files ms"], rows)


def render_file_phase(runs):
    r = runs[-1]
    return table(["variant (medians)", ">wall ms", ">file CPU ms", ">process CPU ms", ">alloc MB"],
                 [[m["variant"], m["wallMs"], m["fileCpuMs"], m["processCpuMs"], m["allocMb"]] for m in r["figures"]["medians"]])


KAFKA_ROWS = ("cluster-single", "cluster-batch", "plain-single", "plain-pipelined")


def kafka_row_errors(row):
    """A kafka-cluster row's outcomes other than success: 201s for the cluster, acknowledgements for the producer."""
    ok = ("acked",) if row.get("mode") == "plain-producer" else ("201", "item 201")
    return {k: v for k, v in row.get("outcomes", {}).items() if k not in ok}


def kafka_cluster_invalid(record):
    """Why a kafka-cluster record's figures do not stand (a row missing, an answer that was not a success), or ""."""
    rows = by_label(record)
    problems = [f"no {label} row" for label in KAFKA_ROWS if label not in rows]
    problems += [f"{label}: " + ", ".join(f"{k}={v:,}" for k, v in kafka_row_errors(rows[label]).items())
                 for label in KAFKA_ROWS if label in rows and kafka_row_errors(rows[label])]
    return "; ".join(problems)


def render_kafka_cluster(runs):
    r = runs[-1]
    rows = by_label(r)
    single, batch, plain, pipelined = (rows.get(label, {}) for label in KAFKA_ROWS)
    failover = r["figures"].get("failover", [])

    def ms(x):
        return f"{x:,.2f}"

    def ratio(a, b):
        return f"{a / b:.2f}" if a is not None and b else "not recorded"

    def commit(row, q):
        return row.get("commitLatencyMs", {}).get(q)

    def send(row, q):
        return row["latencyUs"][q] / 1000 if "latencyUs" in row else None

    def value(x, f):
        return "not recorded" if x is None else f(x)

    side = []
    for what, engine, producer in (("single posts", single, plain), ("batches of 100", batch, pipelined)):
        how = (f"{producer['inFlightPerPartition']:,} in flight per partition" if producer.get("inFlightPerPartition", 0) > 1
               else "1 record awaited per partition") if producer else "not recorded"
        e_rate, p_rate = engine.get("paymentsPerS"), producer.get("recordsPerS")
        side.append([f"{what}: payments/s (producer: records/s, {how})", value(e_rate, n0), value(p_rate, n0), ratio(e_rate, p_rate)])
        for q, name in (("p50", "p50"), ("p99", "p99")):
            c, p = commit(engine, q), send(producer, q) if producer else None
            side.append([f"{what}: commit latency ms {name} (producer: send to acknowledgement)", value(c, ms), value(p, ms),
                         ratio(c, p)])
    if failover:
        served = sorted(f["servedAgainMs"] for f in failover)
        side.append([f"failover: kill -9 to all {failover[0]['partitions']} partitions served again, ms (median of {len(served)}; "
                     f"max {served[-1]:,})", n0(served[len(served) // 2]), "", ""])
    out = table(["measure", ">through the cluster", ">plain producer, acks=all", ">cluster / producer"], side)

    detail = []
    for label in KAFKA_ROWS:
        row = rows.get(label)
        if row is None:
            continue
        errs = ", ".join(f"{k}={v:,}" for k, v in kafka_row_errors(row).items()) or "none"
        if row.get("mode") == "plain-producer":
            detail.append([f"{label} (plain producer, {row['partitions']} partitions x {row['inFlightPerPartition']:,} in flight, "
                           f"{row['keyBytes']} + {row['valueBytes']} bytes a record)", n0(row["recordsPerS"]), n0(row["recordsPerS"]),
                           latency(row), "", "", row.get("generatorCpuS", ""), "", row.get("brokersCpuS", "not recorded"), errs])
            continue
        c = row.get("commitLatencyMs")
        forwarded = (f", {row['forwardedInWindow'] / row['answersInWindow']:.0%} forwarded"
                     if row.get("answersInWindow") and "forwardedInWindow" in row else "")
        detail.append([f"{label} ({row['mode']}, closed loop, {row['connections']} conn over {row.get('nodes', 1)} nodes{forwarded})",
                       n0(row["answersPerS"]), n0(row["paymentsPerS"]), latency(row),
                       f"{c['p50']} / {c['p99']} / {c['p999']}" if c else "not recorded",
                       f"{row['paymentsPerS'] * row['durationS'] / c['commits']:,.1f}" if c and c.get("commits") else "not recorded",
                       row.get("generatorCpuS", ""), row.get("nodesCpuS", "not recorded"), row.get("brokersCpuS", "not recorded"), errs])
    out += ["", "Each run on its own: the cluster's latency from the client (closed loop), the producer's from send to acknowledgement. "
            "CPU seconds: the generator's over its window, the nodes' and brokers' over the whole run.", ""]
    out += table(["run", ">requests/s", ">payments/s", "latency µs p50 / p99 / p99.9 / max", "commit ms p50 / p99 / p99.9",
                  ">payments a commit", ">generator CPU s", ">nodes CPU s", ">brokers CPU s", "errors"], detail)
    if failover:
        out += ["", "Failover, no load: the node owning the most partitions killed with SIGKILL; the live nodes' "
                "`lumbung_kafka_owned_partitions` polled every 100 ms; then the node started again.", ""]
        out += table([">round", "node killed", ">partitions it owned", ">kill to all served, ms", ">started again to serving, ms"],
                     [[f["round"], f["node"], f["partitionsOwned"], n0(f["servedAgainMs"]),
                       n0(f["restartedServingMs"]) if "restartedServingMs" in f else "not recorded"] for f in failover])
    return out


RENDERERS = {"compare": render_compare, "ab-engine": render_ab_engine, "run-jmh": render_jmh, "jmh-ab": render_jmh_ab,
             "engine-latency": render_engine_latency, "cpu-budget": render_cpu_budget, "close-under-load": render_close,
             "run-restart": render_restart, "iso-load": render_iso, "run-settlement-scale": render_scale,
             "settlement-scale-obligations": render_scale_obligations, "settlement-scale-warmup": render_scale_warmup,
             "run-file-phase": render_file_phase, "kafka-cluster": render_kafka_cluster,
             "where-time-goes": render_where_time_goes, "profile": render_profile, "disk-force": render_disk_force,
             "first-scrape": render_first_scrape}


def machine(m):
    mem = f"{m['memTotalKiB'] / 1024 / 1024:.1f} GiB" if m.get("memTotalKiB") else m.get("memNote", "memory not recorded")
    parts = [f"{m['nproc']} CPUs" if m.get("nproc") else "CPUs not recorded", m.get("cpuModel") or "CPU model not recorded", mem,
             f"kernel {m['kernel']}" if m.get("kernel") else "kernel not recorded", m.get("jdk") or "JDK not recorded",
             f"load average {m['loadAverage']}" if m.get("loadAverage") else "load average not recorded"]
    return "; ".join(parts)


def code(c):
    if not c.get("commit"):
        return "not recorded"
    tree = {False: "clean tree", True: "**with uncommitted changes**", None: "tree state not recorded"}[c.get("dirty")]
    return f"`{c['commit'][:10]}`, {tree}"


def section(name, runs):
    script, what, _ = SCRIPTS.get(name, (name, "", ""))
    latest = runs[-1]
    out = [f"## {name}", "", f"{what} (`{script}`).", ""]
    if name not in RENDERERS:
        sys.exit(f"render-results.py: no table for benchmark {name!r} ({latest['_path']}): add one to RENDERERS")
    out += table(["latest run", ""], [
        ["date (UTC)", latest["dateUtc"] + (f" ({latest['dateNote']})" if latest.get("dateNote") else "")],
        ["machine", machine(latest["machine"])],
        ["command", f"`{latest['command']}`"],
        ["load", ", ".join(f"{k} {plain(v)}" for k, v in latest["load"].items()) or "not recorded"],
        ["code measured", code(latest["code"])],
        ["raw data", f"`{latest['_path']}`"]] + ([["note", latest["note"]]] if latest.get("note") else []))
    out += [""] + RENDERERS[name](runs)
    if len(runs) > 1:
        out += ["", "Earlier runs: " + "; ".join(f"{r['dateUtc']} at {code(r['code'])} (`{r['_path']}`)" for r in reversed(runs[:-1]))]
    return out


def render(root=ROOT):
    records = load_records(root / "benchmarks" / "results")
    targets = json.loads((root / "benchmarks" / "targets.json").read_text())["targets"]
    for t in targets:
        if t["figure"] not in EXTRACTORS:
            sys.exit(f"targets.json: {t['id']}: no extractor {t['figure']!r} in render-results.py")
    target_rows = []
    for t in targets:
        text, runs, changed = verdict(t, records, root)
        op = "≥" if t["op"] == ">=" else "≤"
        target_rows.append(f"| {t['target']} ({t['source']}) | [{t['benchmark']}](#{t['benchmark']}) | {op} {fmt(t['threshold'], t['unit'])} "
                           f"| {text} | {runs} | {changed} |")
    page = HEADER.format(scripts="\n".join(f"| `{s}` | {w} | {h} |" for s, w, h in SCRIPTS.values()),
                         targets="\n".join(target_rows)).splitlines()
    names = list(SCRIPTS) + sorted({r["benchmark"] for r in records} - set(SCRIPTS))
    missing = []
    for name in names:
        runs = [r for r in records if r["benchmark"] == name]
        if runs:
            page += [""] + section(name, runs)
        else:
            missing.append(f"`{SCRIPTS[name][0]}`")
    if missing:
        page += ["", "## Not yet recorded", "", "No run of these is recorded: " + ", ".join(missing) + "."]
    while page and page[-1] == "":
        page.pop()
    return "\n".join(page) + "\n"


def main():
    if sys.argv[1:] == ["--check"] and git(ROOT, "rev-parse", "--is-shallow-repository").stdout.strip() == "true":
        # the verdicts depend on when the measured code last changed: a shallow clone cannot say
        sys.exit("benchmarks/RESULTS.md cannot be checked in a shallow clone: the verdicts need the full git history")
    text = render()
    if sys.argv[1:] == ["--check"]:
        if PAGE.read_text() != text:
            sys.exit("benchmarks/RESULTS.md is not what benchmarks/results/ renders: run python3 benchmarks/render-results.py")
        print("benchmarks/RESULTS.md is up to date")
    elif sys.argv[1:]:
        sys.exit(__doc__)
    else:
        PAGE.write_text(text)
        print(f"wrote {PAGE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
