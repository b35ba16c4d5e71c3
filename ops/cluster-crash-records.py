#!/usr/bin/env python3
"""Turns a results file of ops/cluster-crash-loop into the records docs/results/render-reliability.py reads.

Usage: ops/cluster-crash-records.py docs/results/cluster-crash-loop-<date>.txt   (rewrites the file)

Input: the lines the loop wrote, among `#` comment lines: one per cycle
(`cluster-crash cycle=1 at=... killed=node-2 owned=[...] failover_ms=... acks_cycle=...
status_5xx_cycle=... connection_errors_cycle=... slowest_ack_ms=...`, a broker's with
`killed=broker-N`; the counts run from the cycle's kill to the next cycle's), then the client's check (`cluster-crash-check acknowledged=... lost=... doubles=...`)
and a `cluster-crash-problem` line per problem it found. Output, the same file: every such line kept
as a `#` comment (the raw evidence), the other comment lines as they were, then the
suite<TAB>category<TAB>outcome<TAB>count records computed from those lines and nothing else.
Records already in the file are dropped and computed again, so a file converted once comes out
unchanged.

A category's counts add up to what it tried: kills for a kill row (DESIGN.md's promise met or not),
acknowledged payments for the payments row, retried keys for the retry row, listed batches for the
batch row, requests for the retried-requests rows.
"""
import pathlib
import re
import statistics
import sys

RAW = re.compile(r"^(?:# )?(cluster-crash(?:-check|-problem)? .*)$")
SUITE = "cluster-crash"
# DESIGN.md, "Failover": a killed node's partitions are served again within 20 s of the kill; a killed
# broker changes nothing a terminal sees beyond latency (at most 20 s, no 5xx)
PROMISE_MS = 20_000


def fields(line):
    return {k: v for k, v in re.findall(r"(\w+)=(\S+)", line)}


def numbers(text):
    return {int(n) for n in re.findall(r"\d+", text)}


def seconds(ms):
    return f"{ms / 1000:.1f}"


def spread(values):
    return f"{seconds(min(values))}–{seconds(max(values))} s, median {seconds(statistics.median(values))}"


def derive(raw, source):
    nodes, brokers, check = [], [], None
    for number, line in raw:
        f = fields(line)
        try:
            if line.startswith("cluster-crash cycle="):
                cycle = {k: int(f[k]) for k in ("cycle", "acks_cycle", "status_5xx_cycle", "status_503_cycle",
                                                   "connection_errors_cycle", "slowest_ack_ms")}
                if f["killed"].startswith("node-"):
                    cycle["failover_ms"] = int(f["failover_ms"])
                    cycle["owned"] = numbers(f["owned"])
                    nodes.append(cycle)
                elif f["killed"].startswith("broker-"):
                    brokers.append(cycle)
                else:
                    raise KeyError(f"killed={f['killed']}")
            elif line.startswith("cluster-crash-check "):
                check = {k: int(v) for k, v in f.items() if v.lstrip("-").isdigit()}
                check["traffic_partitions"] = numbers(f["traffic_partitions"])
        except (KeyError, ValueError) as e:
            sys.exit(f"{source}:{number}: cannot read {e} in {line!r}")
    if check is None:
        sys.exit(f"{source}: no cluster-crash-check line: the run ended before its check")
    records = []
    if nodes:
        failover = [c["failover_ms"] for c in nodes]
        busy = sum(1 for c in nodes if c["owned"] & check["traffic_partitions"])
        category = (f"node SIGKILLed under load (a random one of 3), started again: failover {spread(failover)};"
                    f" {busy} of {len(nodes)} held a partition with payments")
        records.append((SUITE, category, "its partitions served again by the live nodes within 20 s",
                        sum(1 for ms in failover if ms <= PROMISE_MS)))
        records.append((SUITE, category, "**served again after more than 20 s**",
                        sum(1 for ms in failover if ms > PROMISE_MS)))
    if brokers:
        slowest = [c["slowest_ack_ms"] for c in brokers]
        category = (f"broker SIGKILLed under load (a random one of 3), started again: slowest acknowledgement"
                    f" from the kill to the next kill {spread(slowest)}")
        records.append((SUITE, category, "no 5xx, every acknowledgement within 20 s",
                        sum(1 for c in brokers if c["status_5xx_cycle"] == 0 and c["slowest_ack_ms"] <= PROMISE_MS)))
        records.append((SUITE, category, "**5xx answered or an acknowledgement over 20 s** (DESIGN.md: neither)",
                        sum(1 for c in brokers if c["status_5xx_cycle"] > 0 or c["slowest_ack_ms"] > PROMISE_MS)))
    for kind, cycles in (("node", nodes), ("broker", brokers)):
        if cycles:
            fivexx = sum(c["status_5xx_cycle"] for c in cycles)
            other = fivexx - sum(c["status_503_cycle"] for c in cycles)
            category = (f"terminal requests answered 5xx or not at all from a {kind} kill to the next kill,"
                        f" retried with the same key")
            records.append((SUITE, category, "503", fivexx - other))
            if other:
                records.append((SUITE, category, "other 5xx", other))
            records.append((SUITE, category, "connection error or timeout",
                            sum(c["connection_errors_cycle"] for c in cycles)))
    acks = [c["acks_cycle"] for c in nodes + brokers]
    acknowledged, lost, not_settled = check["acknowledged"], check["lost"], check["not_settled_once"]
    category = (f"payments acknowledged under the kills ({min(acks):,}–{max(acks):,} per cycle,"
                f" {check['acked_at_end']:,} more at the end; 6 terminals posting to random nodes),"
                f" then a close on every node")
    records.append((SUITE, category, "found by paymentId on every node, SETTLED in the same batch",
                    acknowledged - lost - not_settled))
    records.append((SUITE, category, "lost", lost))
    if not_settled:
        records.append((SUITE, category, "**found but not settled in one batch**", not_settled))
    category = "keys of those payments retried on a random node after the close"
    records.append((SUITE, category, "200 with the same paymentId", check["retry_same_id"]))
    if check["retry_other_id"]:
        records.append((SUITE, category, "**another paymentId, or a new payment**", check["retry_other_id"]))
    if check["retry_errors"]:
        records.append((SUITE, category, "**no answer or an error**", check["retry_errors"]))
    category = (f"batches listed after the close (the same listing from every node): {check['batch_payments']:,}"
                f" payments, Rp{check['batch_gross']:,}; acknowledged Rp{check['gross']:,}")
    records.append((SUITE, category, "hold exactly the acknowledged payments that name them, count and gross",
                    check["batches"] - check["batches_mismatched"]))
    if check["batches_mismatched"]:
        records.append((SUITE, category, "**differ from their payments**", check["batches_mismatched"]))
    category = ("payments doubled: a key retried answered with another paymentId, one paymentId for two keys,"
                " or a batch holding more payments than name it")
    records.append((SUITE, category, "doubled", check["doubles"]))
    return records


def main(path):
    source = pathlib.Path(path)
    kept, raw = [], []
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
        if "\t" in line and not line.startswith("#"):
            continue  # a record: computed again below
        match = RAW.match(line)
        if match:
            raw.append((number, match.group(1)))
            kept.append("# " + match.group(1))
        elif line.startswith("# suite<TAB>category<TAB>outcome<TAB>count"):
            continue  # the records' heading, written again below
        else:
            kept.append(line)
    records = derive(raw, source.name)
    out = kept + ["# suite<TAB>category<TAB>outcome<TAB>count, computed by ops/cluster-crash-records.py from the lines above"]
    out += ["\t".join((suite, category, outcome, str(count))) for suite, category, outcome, count in records]
    source.write_text("\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
