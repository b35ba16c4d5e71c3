#!/usr/bin/env python3
"""Writes one benchmark run as a JSON record under benchmarks/results/<YYYY-MM-DD>/, the raw data
that benchmarks/render-results.py renders into benchmarks/RESULTS.md. Every benchmark script calls
it once at its end, so the metadata of a run is gathered in this one place.

    record-result.py BENCHMARK --command CMD [--load JSON] [--figures JSON|@FILE] [--runs @FILE.jsonl]
                     [--jmh FILE] [--parse KIND --log FILE] [--commit-a C --commit-b C]

  BENCHMARK   the script's name without .sh (compare, ab-engine, run-jmh, ...)
  --command   the exact command line the script was started with (with the environment it read)
  --load      a JSON object: threads, connections, durations, rates, payments: what was offered
  --figures   a JSON object of figures (inline or @file); merged with the options below
  --runs      a JSON-lines file of per-run results (the load generator's summaries): figures.runs
  --jmh       a JMH result file (-rf json): figures.jmh, kept whole
  --parse     turns a run's printed output (--log) into figures: iso-load, settlement-scale,
              settlement-scale-obligations, settlement-scale-warmup, file-phase, kafka-cluster

The record (schema 1):

    {"schema": 1, "benchmark": ..., "dateUtc": "2026-12-06T13:10:00Z", "command": ...,
     "machine": {"nproc", "cpuModel", "memTotalKiB", "kernel", "jdk", "loadAverage"},
     "code": {"commit": `git rev-parse HEAD`, "dirty": true when tracked files outside the results
              differ from that commit}, "load": {...}, "figures": {...}}

The file is benchmarks/results/<date>/<benchmark>-<HHMMSS>Z.json (-2, -3, ... for a second record
of the same benchmark in the same second); RESULTS_DIR overrides
benchmarks/results. Prints the path written.
"""
import argparse
import datetime
import json
import os
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
# files whose changes are results, not the code measured: a run may be recorded over them
NOT_CODE = (":(exclude)benchmarks/results", ":(exclude)benchmarks/RESULTS.md")


def git(*args):
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True).stdout


def code():
    return {"commit": git("rev-parse", "HEAD").strip(),
            "dirty": bool(git("status", "--porcelain", "--untracked-files=no", "--", ".", *NOT_CODE).strip())}


def machine():
    cpu = ""
    mem = 0
    try:
        cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "")
        mem = int(next(line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal:")))
    except OSError:
        pass
    try:
        jdk = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()
        jdk = " ".join(line.strip() for line in jdk[:2])
    except OSError:
        jdk = ""
    return {"nproc": os.cpu_count(), "cpuModel": cpu, "memTotalKiB": mem, "kernel": os.uname().release,
            "jdk": jdk, "loadAverage": " ".join(open("/proc/loadavg").read().split()[:3])}


def json_arg(text):
    if text.startswith("@"):
        text = open(text[1:]).read()
    return json.loads(text)


NUM = r"([\d,]+(?:\.\d+)?)"


def num(text):
    value = float(text.replace(",", ""))
    return int(value) if value.is_integer() and "." not in text else value


def parse_iso_load(log):
    m = re.search(r"iso: (\d+) connections, (\d+) s: approvals " + NUM + r" \(" + NUM + r"/s\), declined " + NUM
                  + r", latency us p50 (\d+) p99 (\d+) p99\.9 (\d+) max (\d+)", log)
    if not m:
        sys.exit("record-result.py: no 'iso: ...' summary line in the log")
    g = [num(x) for x in m.groups()]
    return {"connections": g[0], "seconds": g[1], "approvals": g[2], "approvalsPerS": g[3], "declined": g[4],
            "latencyUs": {"p50": g[5], "p99": g[6], "p999": g[7], "max": g[8]}}


# the part of a close line after "(files included); ": the settlement's split, the obligations and
# what the close deducted, the payouts files (SettlementScaleRun.printClose)
CLOSE_DETAIL = (r"settlement " + NUM + r" ms: aggregate " + NUM + r" ms, files " + NUM + r" ms; obligations " + NUM
                + r", deducted from " + NUM + r" of " + NUM + r" members \(" + NUM + r" paid nothing out\), Rp" + NUM
                + r" \(retribusi " + NUM + r", angsuran " + NUM + r", simpanan wajib " + NUM + r"\); payouts files " + NUM
                + r" of " + NUM + r" batches")


def parse_close_detail(line):
    m = re.search(CLOSE_DETAIL, line)
    if not m:
        return {}
    g = [num(x) for x in m.groups()]
    return {"settlementMs": g[0], "aggregateMs": g[1], "filesMs": g[2], "obligations": g[3], "membersDeducted": g[4],
            "members": g[5], "membersPaidNothing": g[6], "deductedRupiah": g[7],
            "deductedByKindRupiah": {"retribusi": g[8], "angsuran": g[9], "simpananWajib": g[10]}, "payoutsFiles": g[11]}


def parse_settlement_scale(log):
    figures = {"closes": [], "replay": None}
    for m in re.finditer(r"close \(([^)]*)\): " + NUM + r" batches, " + NUM + r" payments, gross " + NUM + r", fee "
                         + NUM + r" in ([\d.]+) s.*", log):
        figures["closes"].append({"variant": m.group(1), "batches": num(m.group(2)), "payments": num(m.group(3)),
                                  "seconds": float(m.group(6)), **parse_close_detail(m.group(0))})
    m = re.search(r"replay: " + NUM + r" entries \(" + NUM + r" bytes\) in ([\d.]+) s = " + NUM
                  + r" entries/s; ready \(settlement re-verified\) after ([\d.]+) s", log)
    if m:
        figures["replay"] = {"entries": num(m.group(1)), "seconds": float(m.group(3)),
                             "entriesPerS": num(m.group(4)), "readyS": float(m.group(5))}
    if not figures["closes"]:
        sys.exit("record-result.py: no 'close (...)' line in the log")
    figures["output"] = [line for line in log.splitlines() if line.strip()]
    return figures


def parse_file_phase(log):
    medians = []
    lines = log.splitlines()
    if "medians:" not in lines:
        sys.exit("record-result.py: no 'medians:' section in the log")
    for line in lines[lines.index("medians:") + 1:]:
        m = re.match(r"\s+(\S+)\s+wall\s+([\d.]+) ms\s+file-cpu\s+([\d.]+) ms\s+process-cpu\s+([\d.]+) ms\s+alloc\s+([\d.]+) MB",
                     line)
        if not m:
            break
        medians.append({"variant": m.group(1), "wallMs": float(m.group(2)), "fileCpuMs": float(m.group(3)),
                        "processCpuMs": float(m.group(4)), "allocMb": float(m.group(5))})
    return {"medians": medians, "output": [line for line in lines if line.strip()]}


ROUND = re.compile(r"^== round (\d+), obligations (\d+)$", re.M)


def median(values):
    s = sorted(values)
    return s[len(s) // 2] if len(s) % 2 else (s[len(s) // 2 - 1] + s[len(s) // 2]) / 2


def side_by_side(log, marks, run_of):
    """The processes of a side-by-side log, each after its mark (a match of a "== round R, ..." line):
    run_of(mark) gives a process's fields, to which its closes (parse_settlement_scale) are added."""
    runs = []
    for i, m in enumerate(marks):
        section = log[m.end():marks[i + 1].start() if i + 1 < len(marks) else len(log)]
        runs.append({**run_of(m), "closes": parse_settlement_scale(section)["closes"]})
    return runs


def per_close(a_runs, b_runs, variant, a_key, b_key):
    """Per close (by its position in its process): the seconds of the a and b processes, their medians
    ("<key>MedianS") and the ratio b / a of the medians."""
    comparison = []
    for k in range(min(len(r["closes"]) for r in a_runs + b_runs)):
        a = [r["closes"][k]["seconds"] for r in a_runs]
        b = [r["closes"][k]["seconds"] for r in b_runs]
        comparison.append({"variant": variant(k), a_key + "S": a, b_key + "S": b, a_key + "MedianS": round(median(a), 3),
                           b_key + "MedianS": round(median(b), 3), "ratio": round(median(b) / median(a), 3)})
    return comparison


def parse_settlement_scale_obligations(log):
    """The processes of `OBLIGATIONS=N run-settlement-scale.sh`, each after its "== round R, obligations N"
    line: every close of each, and per close (by position in its process, "close 1, offered 2000") the
    median seconds without and with obligations and their ratio."""
    marks = list(ROUND.finditer(log))
    if not marks:
        sys.exit("record-result.py: no '== round R, obligations N' line in the log")
    runs = side_by_side(log, marks, lambda m: {"round": int(m.group(1)), "obligations": int(m.group(2))})
    without = [r for r in runs if r["obligations"] == 0]
    with_ = [r for r in runs if r["obligations"] > 0]
    if not without or not with_:
        sys.exit("record-result.py: the log needs a run without obligations and one with them")
    comparison = per_close(without, with_, lambda k: f"close {k + 1}, "
                           + re.sub(r" [\d,]+/s$", "", without[0]["closes"][k]["variant"]), "without", "with")
    return {"obligations": max(r["obligations"] for r in with_), "runs": runs, "comparison": comparison,
            "output": [line for line in log.splitlines() if line.strip()]}


WARM_UP_ROUND = re.compile(r"^== round (\d+), obligations (\d+), warm-up (true|false)$", re.M)


def parse_settlement_scale_warmup(log):
    """The processes of `WARMUP_AB=1 OBLIGATIONS=N run-settlement-scale.sh`, each after its
    "== round R, obligations N, warm-up true|false" line: every close of each, and per close (by
    position in its process) the median seconds without and with the start's warm-up and their ratio."""
    marks = list(WARM_UP_ROUND.finditer(log))
    if not marks:
        sys.exit("record-result.py: no '== round R, obligations N, warm-up W' line in the log")
    runs = side_by_side(log, marks, lambda m: {"round": int(m.group(1)), "obligations": int(m.group(2)),
                                               "warmUp": m.group(3) == "true"})
    off = [r for r in runs if not r["warmUp"]]
    on = [r for r in runs if r["warmUp"]]
    if not off or not on:
        sys.exit("record-result.py: the log needs a run without the warm-up and one with it")
    comparison = per_close(off, on, lambda k: f"close {k + 1}" + (" (first after the start)" if k == 0 else " (warm)"),
                           "off", "on")
    return {"runs": runs, "comparison": comparison, "output": [line for line in log.splitlines() if line.strip()]}


FAILOVER_KILL = re.compile(r"^failover (\d+): SIGKILL (\S+) \(owned (\d+) of (\d+) partitions\); all \d+ served again after"
                           r" (\d+) ms$", re.M)
FAILOVER_BACK = re.compile(r"^failover (\d+): (\S+) started again; it serves (\d+) and the nodes all \d+ after (\d+) ms$", re.M)


def parse_kafka_cluster(log):
    """The failover rounds kafka-cluster.sh printed: per round the node killed (SIGKILL), the partitions it
    owned, the milliseconds from the kill until the live nodes served every partition again, and from its
    start again until it served partitions of its own (with every partition served)."""
    rounds = {int(m.group(1)): {"round": int(m.group(1)), "node": m.group(2), "partitionsOwned": int(m.group(3)),
                                "partitions": int(m.group(4)), "servedAgainMs": int(m.group(5))}
              for m in FAILOVER_KILL.finditer(log)}
    if not rounds:
        sys.exit("record-result.py: no 'failover N: SIGKILL ...' line in the log")
    for m in FAILOVER_BACK.finditer(log):
        if int(m.group(1)) in rounds:
            rounds[int(m.group(1))].update({"restartedServes": int(m.group(3)), "restartedServingMs": int(m.group(4))})
    return {"failover": [rounds[k] for k in sorted(rounds)], "output": [line for line in log.splitlines() if line.strip()]}


PARSERS = {"iso-load": parse_iso_load, "settlement-scale": parse_settlement_scale,
           "settlement-scale-obligations": parse_settlement_scale_obligations,
           "settlement-scale-warmup": parse_settlement_scale_warmup, "file-phase": parse_file_phase,
           "kafka-cluster": parse_kafka_cluster}


def main(argv=None):
    p = argparse.ArgumentParser(description="write one benchmark run as JSON under benchmarks/results/")
    p.add_argument("benchmark")
    p.add_argument("--command", required=True)
    p.add_argument("--load", type=json_arg, default={})
    p.add_argument("--figures", type=json_arg, default={})
    p.add_argument("--runs")
    p.add_argument("--jmh")
    p.add_argument("--parse", choices=sorted(PARSERS))
    p.add_argument("--log")
    a = p.parse_args(argv)
    if not re.fullmatch(r"[a-z0-9-]+", a.benchmark):
        sys.exit(f"record-result.py: benchmark name {a.benchmark!r}: lower case letters, digits and '-'")
    figures = dict(a.figures)
    if a.runs:
        figures["runs"] = [json.loads(line) for line in open(a.runs.lstrip("@")) if line.strip()]
    if a.jmh:
        figures["jmh"] = json.load(open(a.jmh))
    if a.parse:
        if not a.log:
            sys.exit("record-result.py: --parse needs --log")
        figures.update(PARSERS[a.parse](open(a.log).read()))
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    record = {"schema": 1, "benchmark": a.benchmark, "dateUtc": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
              "command": a.command.strip(), "machine": machine(), "code": code(), "load": a.load, "figures": figures}
    base = pathlib.Path(os.environ.get("RESULTS_DIR", ROOT / "benchmarks" / "results"))
    path = base / now.strftime("%Y-%m-%d") / f"{a.benchmark}-{now.strftime('%H%M%S')}Z.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 1
    while path.exists():  # two runs of one benchmark in the same second
        n += 1
        path = path.with_name(f"{a.benchmark}-{now.strftime('%H%M%S')}Z-{n}.json")
    path.write_text(json.dumps(record, indent=1) + "\n")
    print(f"recorded {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    main()
