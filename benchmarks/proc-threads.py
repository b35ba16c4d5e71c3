#!/usr/bin/env python3
"""Per-thread CPU and context switches of one process, from /proc/<pid>/task/*/ (Linux).

    proc-threads.py snapshot PID > FILE.json
    proc-threads.py diff BEFORE.json AFTER.json REQUESTS

snapshot: every thread's name (comm: the first 15 characters of its name), user and system CPU
ticks (stat fields 14 and 15), voluntary and involuntary context switches (status), and the time
it was runnable but waited for a core (schedstat's second field, nanoseconds; absent when the
kernel has no schedstat).
diff: the change between two snapshots of one process, grouped by thread name (threads of one
pool share a name once cut to 15 characters), as JSON: {"requests": N, "threads": [{"name",
"count" (threads), "cpuS", "cpuUsPerRequest", "userUsPerRequest", "systemUsPerRequest" (the CPU split
into the thread's own code and the kernel's work for it), "voluntaryPerRequest",
"involuntaryPerRequest", "runQueueWaitUsPerRequest" (runnable, waiting for a core)}],
"total": {...}}, busiest first; threads that used no CPU and switched fewer than 0.001 times per
request are summed into "other". A thread that ended between the snapshots is not counted; one
that started counts from zero. Used by where-time-goes.sh.
"""
import json
import os
import sys


def read(path):
    with open(path) as f:
        return f.read()


def stat_cpu_ticks(stat):
    """The name, user and system CPU ticks of a /proc/<pid>[/task/<tid>]/stat line: the name sits in
    parentheses and may hold spaces and parentheses itself; utime and stime are fields 14 and 15."""
    fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) ": field 3 is fields[0]
    return stat[stat.index("(") + 1:stat.rindex(")")], int(fields[11]), int(fields[12])


# A thread's kind from its name, as the kernel keeps it (comm: its first 15 characters) or as
# async-profiler gives it (longer): the Java main thread is "java" (the launcher's name);
# lumbung-journal is the writer and the check of the journal before a snapshot.
KIND_PREFIXES = (("vert.x-eventloo", "eventLoops"), ("lumbung-journal", "journal"), ("lumbung-settlem", "settlement"),
                 ("C1 CompilerThre", "jit"), ("C2 CompilerThre", "jit"), ("GC Thread", "gc"), ("G1 ", "gc"),
                 ("VM ", "vm"))


def thread_kind(name):
    """eventLoops, journal, settlement, jit, gc, vm, main or other: the one grouping of thread names
    that profile.sh, cpu-budget.sh and run-restart.sh report by."""
    if name == "java":
        return "main"
    for prefix, kind in KIND_PREFIXES:
        if name.startswith(prefix):
            return kind
    return "other"


# The groups profile.sh and cpu-budget.sh print: the event loops, the journal writer, the JIT, the
# collector with the VM's own threads, and the rest.
KIND_LABELS = {"eventLoops": "event loops", "journal": "journal writer", "jit": "JIT compilers", "gc": "GC and VM",
               "vm": "GC and VM"}


def thread_group(name):
    return KIND_LABELS.get(thread_kind(name), "other")


def snapshot(pid):
    out = {}
    tck = os.sysconf("SC_CLK_TCK")
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            comm = read(f"/proc/{pid}/task/{tid}/comm").strip()
            stat = read(f"/proc/{pid}/task/{tid}/stat")
            status = read(f"/proc/{pid}/task/{tid}/status")
        except OSError:  # the thread ended while being read
            continue
        try:
            wait_s = int(read(f"/proc/{pid}/task/{tid}/schedstat").split()[1]) / 1e9
        except (OSError, IndexError, ValueError):  # no schedstat in this kernel
            wait_s = None
        _, user, system = stat_cpu_ticks(stat)
        sw = {line.split(":")[0]: int(line.split()[1]) for line in status.splitlines() if line.endswith(tuple("0123456789"))
              and line.split(":")[0] in ("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")}
        out[tid] = {"name": comm, "cpuS": (user + system) / tck, "userS": user / tck, "systemS": system / tck,
                    "voluntary": sw.get("voluntary_ctxt_switches", 0), "involuntary": sw.get("nonvoluntary_ctxt_switches", 0)}
        if wait_s is not None:
            out[tid]["runQueueWaitS"] = wait_s
    return out


KEYS = ("cpuS", "userS", "systemS", "voluntary", "involuntary", "runQueueWaitS")


def diff(before, after, requests):
    groups = {}
    for tid, a in after.items():
        b = before.get(tid, dict.fromkeys(KEYS, 0))
        g = groups.setdefault(a["name"], {"name": a["name"], "count": 0, **dict.fromkeys(KEYS, 0)})
        g["count"] += 1
        for k in KEYS:
            g[k] += a.get(k, 0) - b.get(k, 0)
    rows, other = [], {"name": "other", "count": 0, **dict.fromkeys(KEYS, 0)}
    for g in groups.values():
        quiet = g["cpuS"] == 0 and (g["voluntary"] + g["involuntary"]) < 0.001 * requests
        if quiet:
            for k in ("count",) + KEYS:
                other[k] += g[k]
        else:
            rows.append(g)
    rows.sort(key=lambda g: -g["cpuS"])
    rows.append(other)
    total = {"name": "total", **{k: sum(g[k] for g in rows) for k in ("count",) + KEYS}}

    def per(g):
        return {"name": g["name"], "count": g["count"], "cpuS": round(g["cpuS"], 2),
                "cpuUsPerRequest": round(g["cpuS"] * 1e6 / requests, 2),
                "userUsPerRequest": round(g["userS"] * 1e6 / requests, 2),
                "systemUsPerRequest": round(g["systemS"] * 1e6 / requests, 2),
                "voluntaryPerRequest": round(g["voluntary"] / requests, 3),
                "involuntaryPerRequest": round(g["involuntary"] / requests, 3),
                "runQueueWaitUsPerRequest": round(g["runQueueWaitS"] * 1e6 / requests, 2)}
    return {"requests": requests, "threads": [per(g) for g in rows], "total": per(total)}


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "snapshot":
        print(json.dumps(snapshot(sys.argv[2])))
    elif len(sys.argv) == 5 and sys.argv[1] == "diff":
        print(json.dumps(diff(json.load(open(sys.argv[2])), json.load(open(sys.argv[3])), int(sys.argv[4]))))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
