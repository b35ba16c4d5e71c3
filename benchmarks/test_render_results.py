#!/usr/bin/env python3
"""Tests of benchmarks/render-results.py and benchmarks/record-result.py, on a throwaway git
repository: which runs a verdict counts (the last change to the measured code, a clean tree), the
verdicts it gives, the record the helper writes, and --check; and of benchmarks/proc-threads.py
(the per-thread table of where-time-goes.sh).

    python3 benchmarks/test_render_results.py
"""
import importlib.util
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = pathlib.Path(__file__).resolve().parent


def load(name, file):
    spec = importlib.util.spec_from_file_location(name, HERE / file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


render = load("render_results", "render-results.py")
record = load("record_result", "record-result.py")
proc_threads = load("proc_threads", "proc-threads.py")

BATCH = {"id": "batch-rate", "source": "test", "target": "batches", "benchmark": "compare", "figure": "batch_payments_per_s",
         "unit": "payments/s", "op": ">=", "threshold": 1_000_000, "paths": ["engine/src/main"]}
CLOSE = {"id": "close-10m", "source": "test", "target": "close", "benchmark": "close-under-load", "figure": "close_ms_10m",
         "unit": "ms", "op": "<=", "threshold": 2000, "coldAndWarm": True, "paths": ["engine/src/main"]}

FAILOVER = {"id": "kafka-failover", "source": "test", "target": "failover", "benchmark": "kafka-cluster", "figure": "kafka_failover_ms",
            "unit": "ms", "op": "<=", "threshold": 20000, "paths": ["engine/src/main"]}

OBLIGATIONS = {"id": "close-10m-obligations", "source": "test", "target": "close with obligations",
               "benchmark": "settlement-scale-obligations", "figure": "close_ms_10m_obligations", "unit": "ms", "op": "<=",
               "threshold": 2000, "coldAndWarm": True, "paths": ["engine/src/main"]}


def git(root, *args):
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout.strip()


def compare_run(commit, batch_rate, dirty=False, date="2026-12-06T13:00:00Z"):
    rows = [{"label": "engine-batch", "paymentsPerS": batch_rate, "outcomes": {"item 201": 100}}]
    return {"schema": 1, "benchmark": "compare", "dateUtc": date, "command": "c", "machine": {}, "load": {},
            "code": {"commit": commit, "dirty": dirty}, "figures": {"runs": rows}}


def close_run(commit, ms, first):
    return {"schema": 1, "benchmark": "close-under-load", "dateUtc": "2026-12-06T13:00:00Z", "command": "c", "machine": {},
            "load": {}, "code": {"commit": commit, "dirty": False},
            "figures": {"firstCloseAfterStart": first, "close": {"payments": 10_500_000, "duration_ms": ms}, "runs": []}}


def scale_close(variant, payments, seconds):
    return {"variant": variant, "batches": 1000, "payments": payments, "seconds": seconds}


def obligations_run(commit, obligations, with_s, without_s, payments=10_200_000):
    """A settlement-scale-obligations record of one round: closes (flat out, then warm) with and without."""
    variants = ["flat-out intake", "offered 2000 2,000/s"]
    runs = [{"round": 1, "obligations": 0, "closes": [scale_close(v, payments, s) for v, s in zip(variants, without_s)]},
            {"round": 1, "obligations": obligations, "closes": [scale_close(v, payments, s) for v, s in zip(variants, with_s)]}]
    return {"schema": 1, "benchmark": "settlement-scale-obligations", "dateUtc": "2026-12-06T14:00:00Z", "command": "c",
            "machine": {}, "load": {"obligations": obligations}, "code": {"commit": commit, "dirty": False},
            "figures": {"obligations": obligations, "runs": runs, "comparison": []}}


class VerdictTest(unittest.TestCase):
    def setUp(self):
        self.root = pathlib.Path(tempfile.mkdtemp(prefix="render-results-test."))
        git(self.root, "init", "-q")
        git(self.root, "config", "user.email", "t@example.invalid")
        git(self.root, "config", "user.name", "t")
        code = self.root / "engine" / "src" / "main"
        code.mkdir(parents=True)
        (code / "A.java").write_text("class A {}\n")
        git(self.root, "add", "-A")
        git(self.root, "commit", "-qm", "code")
        self.before = git(self.root, "rev-parse", "HEAD")
        (code / "A.java").write_text("class A { int x; }\n")
        git(self.root, "commit", "-qam", "change to the measured code")
        self.change = git(self.root, "rev-parse", "HEAD")
        (self.root / "README.md").write_text("not measured\n")
        git(self.root, "add", "-A")
        git(self.root, "commit", "-qm", "docs")
        self.after = git(self.root, "rev-parse", "HEAD")

    def tearDown(self):
        shutil.rmtree(self.root)

    def verdict(self, target, records):
        return render.verdict(target, records, self.root)

    def test_a_run_before_the_last_change_does_not_count(self):
        text, runs, changed = self.verdict(BATCH, [compare_run(self.before, 2_000_000)])
        self.assertEqual("no run recorded since the last change", text)
        self.assertEqual(0, runs)
        self.assertIn(self.change[:7], changed)

    def test_runs_at_or_after_the_change_count_and_meet(self):
        text, runs, _ = self.verdict(BATCH, [compare_run(self.change, 1_200_000), compare_run(self.after, 1_100_000),
                                             compare_run(self.before, 10)])
        self.assertEqual("**met**", text)
        self.assertEqual(2, runs)

    def test_one_failing_run_since_the_change_is_not_met_with_its_figure(self):
        text, runs, _ = self.verdict(BATCH, [compare_run(self.after, 1_200_000), compare_run(self.after, 650_000)])
        self.assertTrue(text.startswith("**not met**: 650,000 payments/s"), text)
        self.assertEqual(2, runs)

    def test_a_run_with_uncommitted_changes_or_no_commit_does_not_count(self):
        text, _, _ = self.verdict(BATCH, [compare_run(self.after, 10, dirty=True), compare_run(None, 10, dirty=None)])
        self.assertEqual("no run recorded since the last change", text)

    def test_an_invalid_run_gives_no_figure(self):
        run = compare_run(self.after, 2_000_000)
        run["figures"]["runs"][0]["outcomes"]["503"] = 4
        self.assertEqual("no run recorded since the last change", self.verdict(BATCH, [run])[0])

    def test_warm_runs_meet_and_a_first_close_does_not(self):
        text, _, _ = self.verdict(CLOSE, [close_run(self.after, 1500, False), close_run(self.after, 2600, True)])
        self.assertTrue(text.startswith("**met in warm runs only**: first run after a start 2,600 ms"), text)
        text, _, _ = self.verdict(CLOSE, [close_run(self.after, 1500, False)])
        self.assertEqual("**met in warm runs only**: no first run after a start recorded", text)
        text, _, _ = self.verdict(CLOSE, [close_run(self.after, 1500, False), close_run(self.after, 1900, True)])
        self.assertEqual("**met**", text)
        text, _, _ = self.verdict(CLOSE, [close_run(self.after, 2100, False), close_run(self.after, 1900, True)])
        self.assertTrue(text.startswith("**not met**: 2,100 ms"), text)

    def test_closes_with_100000_obligations_are_judged_first_and_warm_beside_the_close_without(self):
        text, runs, _ = self.verdict(OBLIGATIONS, [obligations_run(self.after, 100_000, [2.4, 1.5], [2.0, 1.2])])
        self.assertEqual(1, runs)
        self.assertTrue(text.startswith("**met in warm runs only**: first run after a start 2,400 ms (10,200,000 payments,"
                                        " 100,000 obligations, first close after a start (flat-out intake), without"
                                        " obligations 2,000 ms"), text)
        text, _, _ = self.verdict(OBLIGATIONS, [obligations_run(self.after, 100_000, [1.9, 2.1], [1.8, 1.7])])
        self.assertTrue(text.startswith("**not met**: 2,100 ms (10,200,000 payments, 100,000 obligations, warm"), text)
        self.assertEqual("**met**", self.verdict(OBLIGATIONS, [obligations_run(self.after, 100_000, [1.9, 1.5], [1.8, 1.2])])[0])

    def test_every_failover_round_is_judged_and_one_over_20_s_is_not_met(self):
        text, runs, _ = self.verdict(FAILOVER, [kafka_run(self.after)])
        self.assertEqual(("**met**", 1), (text, runs))
        text, _, _ = self.verdict(FAILOVER, [kafka_run(self.after, (11_000, 21_500, 12_000))])
        self.assertTrue(text.startswith("**not met**: 21,500 ms (round 2, node-2 owned 4 of 12 partitions"), text)

    def test_a_smaller_run_with_obligations_gives_no_figure(self):
        for record in (obligations_run(self.after, 10_000, [9.0, 9.0], [1.0, 1.0]),
                       obligations_run(self.after, 100_000, [9.0, 9.0], [1.0, 1.0], payments=1_000_000)):
            self.assertEqual("no run recorded since the last change", self.verdict(OBLIGATIONS, [record])[0])


def jmh_run(date, commit, scores):
    results = [{"benchmark": f"id.lumbung.bench.{name}", "primaryMetric": {"score": score, "scoreError": 1.0, "scoreUnit": "ns/op"},
                "secondaryMetrics": {"gc.alloc.rate.norm": {"score": 0.0}}} for name, score in scores.items()]
    return {"benchmark": "run-jmh", "dateUtc": date, "code": {"commit": commit, "dirty": False}, "figures": {"jmh": results}}


class ScaleObligationsTableTest(unittest.TestCase):
    def test_the_ratio_per_close_then_every_close_of_every_process(self):
        r = obligations_run("c" * 40, 100_000, [1.5, 1.1], [1.2, 1.0])
        r["figures"]["runs"][1]["closes"][0].update({"aggregateMs": 900, "filesMs": 600, "members": 100_000,
                                                     "membersDeducted": 100_000, "membersPaidNothing": 10_000, "payoutsFiles": 1000})
        r["figures"]["comparison"] = [{"variant": "flat-out intake", "withoutS": [1.2], "withS": [1.5], "withoutMedianS": 1.2,
                                       "withMedianS": 1.5, "ratio": 1.25}]
        page = "\n".join(render.render_scale_obligations([r]))
        self.assertIn("| flat-out intake | 1.2 | 1.5 | 1.25 |", page)
        self.assertIn("| 1 | 100,000 | flat-out intake | 10,200,000 | 1,000 | 1.5 | 900 / 600 | 100,000 of 100,000 (10,000 paid"
                      " nothing out) | 1,000 |", page)
        self.assertIn("| 1 | 0 | flat-out intake | 10,200,000 | 1,000 | 1.2 | not recorded | not recorded | not recorded |", page)


def kafka_run(commit, served_ms=(11_200, 10_900)):
    """A kafka-cluster record: the cluster's two runs, the producer's two, a failover round per served_ms."""
    cluster = {"mode": "single", "durationS": 10, "connections": 96, "nodes": 3, "answersPerS": 3000, "paymentsPerS": 3000,
               "answersInWindow": 30_000, "forwardedInWindow": 20_000, "latencyUs": {"p50": 30_000, "p99": 90_000, "p999": 120_000,
                                                                                    "max": 150_000},
               "commitLatencyMs": {"commits": 3000, "p50": 8.0, "p99": 40.0, "p999": 60.0}, "generatorCpuS": 2.0, "nodesCpuS": 30.0,
               "brokersCpuS": 12.0, "outcomes": {"201": 30_000}}
    batch = dict(cluster, mode="batch", connections=24, answersPerS=400, paymentsPerS=40_000, answersInWindow=4000,
                 forwardedInWindow=2600, commitLatencyMs={"commits": 3200, "p50": 12.0, "p99": 50.0, "p999": 70.0},
                 outcomes={"item 201": 400_000})
    plain = {"mode": "plain-producer", "partitions": 12, "inFlightPerPartition": 1, "keyBytes": 9, "valueBytes": 103, "durationS": 10,
             "recordsPerS": 4000, "latencyUs": {"p50": 2500, "p99": 10_000, "p999": 20_000, "max": 30_000}, "generatorCpuS": 1.0,
             "brokersCpuS": 10.0, "outcomes": {"acked": 40_000}}
    pipelined = dict(plain, inFlightPerPartition=256, recordsPerS=100_000, latencyUs={"p50": 20_000, "p99": 80_000, "p999": 90_000,
                                                                                      "max": 95_000}, outcomes={"acked": 1_000_000})
    rows = [dict(cluster, label="cluster-single"), dict(batch, label="cluster-batch"), dict(plain, label="plain-single"),
            dict(pipelined, label="plain-pipelined")]
    failover = [{"round": i + 1, "node": f"node-{i + 1}", "partitionsOwned": 4, "partitions": 12, "servedAgainMs": ms,
                 "restartedServes": 4, "restartedServingMs": 9000} for i, ms in enumerate(served_ms)]
    return {"schema": 1, "benchmark": "kafka-cluster", "dateUtc": "2026-12-06T20:00:00Z", "command": "c", "machine": {}, "load": {},
            "code": {"commit": commit, "dirty": False}, "figures": {"runs": rows, "failover": failover}}


class KafkaClusterTableTest(unittest.TestCase):
    def test_the_cluster_beside_the_plain_producer_with_ratios_then_each_run_and_each_failover(self):
        page = "\n".join(render.render_kafka_cluster([kafka_run("c" * 40)]))
        self.assertIn("| single posts: payments/s (producer: records/s, 1 record awaited per partition) | 3,000 | 4,000 | 0.75 |", page)
        self.assertIn("| single posts: commit latency ms p50 (producer: send to acknowledgement) | 8.00 | 2.50 | 3.20 |", page)
        self.assertIn("| single posts: commit latency ms p99 (producer: send to acknowledgement) | 40.00 | 10.00 | 4.00 |", page)
        self.assertIn("| batches of 100: payments/s (producer: records/s, 256 in flight per partition) | 40,000 | 100,000 | 0.40 |", page)
        self.assertIn("| batches of 100: commit latency ms p99 (producer: send to acknowledgement) | 50.00 | 80.00 | 0.62 |", page)
        self.assertIn("| failover: kill -9 to all 12 partitions served again, ms (median of 2; max 11,200) | 11,200 |  |  |", page)
        self.assertIn("| cluster-single (single, closed loop, 96 conn over 3 nodes, 67% forwarded) | 3,000 | 3,000 | 30,000 / 90,000 / "
                      "120,000 / 150,000 | 8.0 / 40.0 / 60.0 | 10.0 | 2.0 | 30.0 | 12.0 | none |", page)
        self.assertIn("| cluster-batch (batch, closed loop, 24 conn over 3 nodes, 65% forwarded) | 400 | 40,000 |", page)
        self.assertIn("| plain-pipelined (plain producer, 12 partitions x 256 in flight, 9 + 103 bytes a record) | 100,000 | 100,000 | "
                      "20,000 / 80,000 / 90,000 / 95,000 |  |  | 1.0 |  | 10.0 | none |", page)
        self.assertIn("| 2 | node-2 | 4 | 10,900 | 9,000 |", page)

    def test_a_refusal_or_a_missing_run_makes_the_record_invalid(self):
        self.assertEqual("", render.kafka_cluster_invalid(kafka_run("c" * 40)))
        r = kafka_run("c" * 40)
        r["figures"]["runs"][0]["outcomes"]["503"] = 7
        r["figures"]["runs"][3]["outcomes"]["error:TimeoutException"] = 2
        del r["figures"]["runs"][1]
        self.assertEqual("no cluster-batch row; cluster-single: 503=7; plain-pipelined: error:TimeoutException=2",
                         render.kafka_cluster_invalid(r))
        self.assertIn("| cluster-single (single, closed loop, 96 conn over 3 nodes, 67% forwarded) |",
                      "\n".join(render.render_kafka_cluster([r])))


class JmhTableTest(unittest.TestCase):
    def test_each_row_comes_from_the_latest_run_that_measured_it(self):
        suite = jmh_run("2026-12-06T12:00:00Z", "a" * 40, {"A.one": 10.0, "A.two": 20.0})
        one_row = jmh_run("2026-12-06T13:00:00Z", "b" * 40, {"A.two": 25.0})
        page = "\n".join(render.render_jmh([suite, one_row]))
        self.assertIn("| A.one | 10.0 | 1.0 | ns/op | 0.000 | 2026-12-06T12:00:00Z `aaaaaaa` |", page)
        self.assertIn("| A.two | 25.0 | 1.0 | ns/op | 0.000 | 2026-12-06T13:00:00Z `bbbbbbb` |", page)
        self.assertNotIn("20.0", page)


class LightGeneratorTest(unittest.TestCase):
    """Issue 22 defines single-vs-noop and batch-rate with wrk: a compare run's wrk rows are the figures, the Java rows a fallback."""

    @staticmethod
    def run_of(rows):
        return {"figures": {"runs": [dict(label=label, paymentsPerS=rate, outcomes={"201": 1}) for label, rate in rows]}}

    def test_wrk_rows_give_the_ratio_and_the_batch_rate_when_present(self):
        r = self.run_of([("engine-single", 60), ("noop-single", 100), ("wrk-engine-single", 30), ("wrk-noop-single", 100),
                         ("engine-batch", 400), ("wrk-engine-batch", 700)])
        self.assertEqual([(0.3, None, "wrk-engine-single / wrk-noop-single")], render.single_over_noop(r))
        self.assertEqual([(700, None, "wrk-engine-batch")], render.batch_payments_per_s(r))

    def test_a_run_without_wrk_rows_gives_the_java_generator_figures(self):
        r = self.run_of([("engine-single", 60), ("noop-single", 100), ("engine-batch", 400)])
        self.assertEqual([(0.6, None, "engine-single / noop-single")], render.single_over_noop(r))
        self.assertEqual([(400, None, "engine-batch")], render.batch_payments_per_s(r))

    def test_an_invalid_wrk_row_gives_no_figure_rather_than_the_java_one(self):
        r = self.run_of([("engine-single", 60), ("noop-single", 100), ("wrk-engine-single", 30), ("wrk-noop-single", 100)])
        r["figures"]["runs"][2]["outcomes"] = {"201": 1, "200": 5}  # replays: the run cycled through its requests
        self.assertEqual([], render.single_over_noop(r))


class ProfileTableTest(unittest.TestCase):
    def test_the_latest_run_of_each_mode_with_its_groups_and_frames(self):
        def run(mode, when, writer_us):
            groups = [{"name": "event loops", "samples": 800, "usPerRequest": 16.0, "usPerPayment": 16.0,
                       "self": [{"frame": "sha256_implCompress", "usPerRequest": 1.5}],
                       "inclusive": [{"frame": "id/lumbung/ingest/HttpIngest.serve", "usPerRequest": 9.0}]},
                      {"name": "journal writer", "samples": 500, "usPerRequest": writer_us, "usPerPayment": writer_us,
                       "self": [{"frame": "ext4_sync_file_[k]", "usPerRequest": 4.0}], "inclusive": []},
                      {"name": "other", "samples": 10, "usPerRequest": 0.2, "usPerPayment": 0.2, "self": [], "inclusive": []}]
            return {"dateUtc": when, "code": {"commit": "c" * 40},
                    "figures": {"mode": mode, "requests": 50_000, "payments": 50_000, "intervalUs": 1000, "samples": 1310,
                                "wrk": {"answersPerS": 50_000, "paymentsPerS": 50_000}, "groups": groups}}
        page = "\n".join(render.render_profile([run("single", "2026-12-07T05:00:00Z", 10.0),
                                                 run("single", "2026-12-07T06:00:00Z", 9.0)]))
        self.assertIn("single posts (2026-12-07T06:00:00Z, `ccccccc`): 50,000 requests/s", page)
        self.assertNotIn("2026-12-07T05:00:00Z", page)
        self.assertIn("| journal writer | 500 | 9.0 | 9.0 |", page)
        self.assertIn("| `sha256_implCompress` | 1.5 | `id/lumbung/ingest/HttpIngest.serve` | 9.0 |", page)
        self.assertIn("| `ext4_sync_file_[k]` | 4.0 |  |  |", page)
        self.assertNotIn("other:", page)


class ProcThreadsTest(unittest.TestCase):
    def test_diff_groups_by_name_per_request_and_sums_quiet_threads_into_other(self):
        def t(name, user, system, voluntary, involuntary, wait=0.0):
            return {"name": name, "cpuS": user + system, "userS": user, "systemS": system, "voluntary": voluntary,
                    "involuntary": involuntary, "runQueueWaitS": wait}
        before = {"1": t("vert.x-eventloo", 0.6, 0.4, 10, 1, 0.1),
                  "2": t("vert.x-eventloo", 1.5, 0.5, 20, 2),
                  "3": t("lumbung-journal", 0.2, 0.3, 100, 0),
                  "4": t("idle", 0.1, 0.0, 5, 0),
                  "9": t("ended", 5.0, 4.0, 9, 9)}
        after = {"1": t("vert.x-eventloo", 1.2, 0.8, 1010, 101, 0.3),
                 "2": t("vert.x-eventloo", 2.0, 1.0, 1020, 2, 0.1),
                 "3": t("lumbung-journal", 0.5, 1.0, 5100, 0, 0.05),
                 "4": t("idle", 0.1, 0.0, 5, 0),
                 "5": t("started", 0.05, 0.2, 0, 0)}
        d = proc_threads.diff(before, after, 10_000)
        rows = {t["name"]: t for t in d["threads"]}
        self.assertEqual(["vert.x-eventloo", "lumbung-journal", "started", "other"], [t["name"] for t in d["threads"]])
        self.assertEqual({"name": "vert.x-eventloo", "count": 2, "cpuS": 2.0, "cpuUsPerRequest": 200.0, "userUsPerRequest": 110.0,
                          "systemUsPerRequest": 90.0, "voluntaryPerRequest": 0.2, "involuntaryPerRequest": 0.01,
                          "runQueueWaitUsPerRequest": 30.0},
                         rows["vert.x-eventloo"])
        self.assertEqual(0.5, rows["lumbung-journal"]["voluntaryPerRequest"])
        self.assertEqual((30.0, 70.0), (rows["lumbung-journal"]["userUsPerRequest"], rows["lumbung-journal"]["systemUsPerRequest"]))
        self.assertEqual(5.0, rows["lumbung-journal"]["runQueueWaitUsPerRequest"])
        self.assertEqual(25.0, rows["started"]["cpuUsPerRequest"])
        self.assertEqual(1, rows["other"]["count"])
        self.assertEqual({"name": "total", "count": 5, "cpuS": 3.25, "cpuUsPerRequest": 325.0, "userUsPerRequest": 145.0,
                          "systemUsPerRequest": 180.0, "voluntaryPerRequest": 0.7, "involuntaryPerRequest": 0.01,
                          "runQueueWaitUsPerRequest": 35.0}, d["total"])

    def test_diff_of_snapshots_without_schedstat_counts_no_wait(self):
        before = {"1": {"name": "a", "cpuS": 1.0, "userS": 1.0, "systemS": 0.0, "voluntary": 0, "involuntary": 0}}
        after = {"1": {"name": "a", "cpuS": 2.0, "userS": 2.0, "systemS": 0.0, "voluntary": 0, "involuntary": 0}}
        self.assertEqual(0.0, proc_threads.diff(before, after, 1_000)["threads"][0]["runQueueWaitUsPerRequest"])

    def test_snapshot_reads_this_process(self):
        snap = proc_threads.snapshot(os.getpid())
        self.assertIn(str(os.getpid()), snap)
        me = snap[str(os.getpid())]
        self.assertGreater(me["cpuS"] + me["voluntary"] + me["involuntary"], 0)
        if os.path.exists(f"/proc/{os.getpid()}/schedstat"):
            self.assertGreaterEqual(me["runQueueWaitS"], 0)


class ParseTest(unittest.TestCase):
    """The printed lines of IsoLoad, SettlementScaleRun and FilePhaseRun (their printf formats) become figures."""

    def test_iso_load(self):
        f = record.parse_iso_load("load\niso: 64 connections, 15 s: approvals 301,234 (20,082/s), declined 0, "
                                  "latency us p50 2900 p99 9100 p99.9 15000 max 40000\n")
        self.assertEqual((301234, 20082, 0, 9100), (f["approvals"], f["approvalsPerS"], f["declined"], f["latencyUs"]["p99"]))

    def test_settlement_scale(self):
        f = record.parse_settlement_scale(
            "fill: 10,000,000 payments in 20.00 s = 500,000 payments/s through the writer (async journal)\n"
            "close (flat out): 1,000 batches, 10,000,000 payments, gross 150,000,000,000, fee 1,500,000 in 1.234 s = 123 ns"
            " per payment (files included)\n"
            "replay: 10,000,002 entries (900,000,000 bytes) in 9.50 s = 1,052,632 entries/s; ready (settlement re-verified)"
            " after 10.20 s\n")
        self.assertEqual([{"variant": "flat out", "batches": 1000, "payments": 10_000_000, "seconds": 1.234}], f["closes"])
        self.assertEqual({"entries": 10_000_002, "seconds": 9.5, "entriesPerS": 1_052_632, "readyS": 10.2}, f["replay"])

    CLOSE_WITH_OBLIGATIONS = ("close (flat-out intake): 1,000 batches, 1,120,000 payments, gross 561,000,000,000, fee 1,700,000,000"
                              " in 0.912 s = 814 ns per payment (files included); settlement 880 ms: aggregate 310 ms, files 570 ms;"
                              " obligations 10,000, deducted from 10,000 of 100,000 members (1,000 paid nothing out),"
                              " Rp5,123,456,789 (retribusi 1,000,000, angsuran 2,000,000, simpanan wajib 5,120,456,789);"
                              " payouts files 1,000 of 1,000 batches\n")

    def test_settlement_scale_close_with_its_split_and_obligations(self):
        f = record.parse_settlement_scale(self.CLOSE_WITH_OBLIGATIONS)
        self.assertEqual({"variant": "flat-out intake", "batches": 1000, "payments": 1_120_000, "seconds": 0.912,
                          "settlementMs": 880, "aggregateMs": 310, "filesMs": 570, "obligations": 10_000, "membersDeducted": 10_000,
                          "members": 100_000, "membersPaidNothing": 1000, "deductedRupiah": 5_123_456_789,
                          "deductedByKindRupiah": {"retribusi": 1_000_000, "angsuran": 2_000_000, "simpananWajib": 5_120_456_789},
                          "payoutsFiles": 1000}, f["closes"][0])

    def test_settlement_scale_obligations_side_by_side(self):
        without = self.CLOSE_WITH_OBLIGATIONS.replace("0.912 s", "0.800 s").replace("obligations 10,000", "obligations 0")
        offered = ("close (offered 2000 2,000/s): 1,000 batches, 1,002,000 payments, gross 5, fee 1 in 0.500 s = 499 ns per payment"
                   " (files included); split not logged; obligations 0, deducted from 0 of 100,000 members (0 paid nothing out),"
                   " Rp0 (retribusi 0, angsuran 0, simpanan wajib 0); payouts files 1,000 of 1,000 batches\n")
        log = ("== round 1, obligations 0\nfill: ...\n" + without + offered
               + "== round 1, obligations 10000\nobligations: 10,000 journaled\n" + self.CLOSE_WITH_OBLIGATIONS
               + offered.replace("0.500 s", "0.600 s").replace("2,000/s", "2,000/s"))
        f = record.parse_settlement_scale_obligations(log)
        self.assertEqual(10_000, f["obligations"])
        self.assertEqual([(1, 0, 2), (1, 10_000, 2)], [(r["round"], r["obligations"], len(r["closes"])) for r in f["runs"]])
        self.assertEqual([{"variant": "close 1, flat-out intake", "withoutS": [0.8], "withS": [0.912], "withoutMedianS": 0.8, "withMedianS": 0.912,
                           "ratio": 1.14},
                          {"variant": "close 2, offered 2000", "withoutS": [0.5], "withS": [0.6], "withoutMedianS": 0.5, "withMedianS": 0.6,
                           "ratio": 1.2}], f["comparison"])
        self.assertNotIn("aggregateMs", f["runs"][0]["closes"][1], "a close whose split was not logged has none")
        with self.assertRaises(SystemExit):
            record.parse_settlement_scale_obligations("== round 1, obligations 0\n" + without)

    def test_settlement_scale_warmup_side_by_side(self):
        offered = ("close (offered 2000 2,000/s): 1,000 batches, 10,002,000 payments, gross 5, fee 1 in 2.500 s = 249 ns per payment"
                   " (files included); settlement 2,480 ms: aggregate 200 ms, files 2,280 ms; obligations 100,000,"
                   " deducted from 0 of 100,000 members (0 paid nothing out),"
                   " Rp0 (retribusi 0, angsuran 0, simpanan wajib 0); payouts files 1,000 of 1,000 batches\n")
        log = ("== round 1, obligations 100000, warm-up false\njournal durability sync, ...\n" + offered
               + offered.replace("2.500 s", "1.400 s")
               + "== round 1, obligations 100000, warm-up true\n" + offered.replace("2.500 s", "1.300 s")
               + offered.replace("2.500 s", "1.350 s"))
        f = record.parse_settlement_scale_warmup(log)
        self.assertEqual([(1, False, 2), (1, True, 2)], [(r["round"], r["warmUp"], len(r["closes"])) for r in f["runs"]])
        self.assertEqual([{"variant": "close 1 (first after the start)", "offS": [2.5], "onS": [1.3], "offMedianS": 2.5,
                           "onMedianS": 1.3, "ratio": 0.52},
                          {"variant": "close 2 (warm)", "offS": [1.4], "onS": [1.35], "offMedianS": 1.4, "onMedianS": 1.35,
                           "ratio": 0.964}], f["comparison"])
        self.assertEqual(200, f["runs"][0]["closes"][0]["aggregateMs"])
        with self.assertRaises(SystemExit):
            record.parse_settlement_scale_warmup("== round 1, obligations 100000, warm-up true\n" + offered)
        self.assertIn("| close 1 (first after the start) | 2.5 | 1.3 | 0.52 |", render.render_scale_warmup([{"figures": f}]))

    def test_close_under_load_with_the_files_split(self):
        run = close_run("c", 1976, True)
        run["figures"]["close"].update({"batches": 1000, "aggregate_ms": 304, "files_ms": 1672, "files_stage_ms": 1462,
                                        "files_first_sync_ms": 67, "files_rename_ms": 27, "files_second_sync_ms": 7})
        page = "\n".join(render.render_close([run]))
        self.assertIn("| first after a start | 10,500,000 | 1,000 | 1,976 | 304 | 1,672 | 188 |", page)
        self.assertIn("| 1,462 | 67 | 27 | 7 |", page)
        self.assertNotIn("Where the files phase went", "\n".join(render.render_close([close_run("c", 1976, True)])),
                         "a close logged before the split has no split table")

    def test_where_time_goes_with_the_journal_forces_and_the_wait_for_a_core(self):
        def side(journal=None):
            wrk = {"answersPerS": 50_000, "answers": 400_000, "latencyUs": {"p50": 1300, "p99": 5000, "p999": 9000, "max": 12000},
                   "generatorCpuShare": 0.2, "serverCpuShare": 0.6, "outcomes": {"201": 400_000}}
            t = {"name": "lumbung-journal", "count": 1, "cpuS": 3.0, "cpuUsPerRequest": 7.5, "userUsPerRequest": 2.5,
                 "systemUsPerRequest": 5.0, "voluntaryPerRequest": 0.13, "involuntaryPerRequest": 0.01,
                 "runQueueWaitUsPerRequest": 4.2}
            x = {"wrk": wrk, "threads": {"threads": [t], "total": dict(t, name="total")}, "perf": {}}
            if journal:
                x["journal"] = journal
            return x
        run = {"figures": {"engine": side({"forces": 19_000, "forcesPerRequest": 0.0475, "paymentsPerForce": 21.1,
                                           "forceUsMean": 443.0, "forceUsPerRequest": 18.9}), "noop": side()}}
        page = "\n".join(render.render_where_time_goes([run]))
        self.assertIn("| lumbung-journal | 1 | 3.0 | 7.5 | 2.5 | 5.0 | 0.13 | 0.01 | 4.2 |", page)
        self.assertIn("| 19,000 | 0.0475 | 21.1 | 443.0 | 18.9 |", page)
        del run["figures"]["engine"]["journal"]
        self.assertNotIn("journal forces", "\n".join(render.render_where_time_goes([run])), "a run recorded without them")

    def test_disk_force(self):
        run = {"figures": {"runs": [{"threads": 1, "bytesPerForce": 4096, "pages": "tail", "allocation": "read-write",
                                     "forces": 3321, "forcesPerS": 3319, "usMean": 289.6, "usP50": 270.3, "usP99": 629.8}]}}
        self.assertIn("| 1 | 4,096 | tail | read-write | 3,319 | 289.6 | 270.3 | 629.8 |", "\n".join(render.render_disk_force([run])))

    def test_file_phase(self):
        f = record.parse_file_phase("file phase: ...\nmedians:\n"
                                    "  engine-4       wall   812.3 ms  file-cpu   900.1 ms  process-cpu  1500.0 ms  alloc   120 MB  gc  2.0"
                                    "  intake   300,000/s before,   150,000/s during (0.50 of before)\nratio engine-16/engine-4: wall 0.84\n")
        self.assertEqual([{"variant": "engine-4", "wallMs": 812.3, "fileCpuMs": 900.1, "processCpuMs": 1500.0, "allocMb": 120.0}],
                         f["medians"])

    def test_kafka_cluster_failover_rounds(self):
        f = record.parse_kafka_cluster(
            "failover 1: SIGKILL node-2 (owned 5 of 12 partitions); all 12 served again after 11234 ms\n"
            "failover 1: node-2 started again; it serves 4 and the nodes all 12 after 9876 ms\n"
            "failover 2: SIGKILL node-1 (owned 4 of 12 partitions); all 12 served again after 10950 ms\n")
        self.assertEqual([{"round": 1, "node": "node-2", "partitionsOwned": 5, "partitions": 12, "servedAgainMs": 11234,
                           "restartedServes": 4, "restartedServingMs": 9876},
                          {"round": 2, "node": "node-1", "partitionsOwned": 4, "partitions": 12, "servedAgainMs": 10950}],
                         f["failover"])
        with self.assertRaises(SystemExit):
            record.parse_kafka_cluster("failover 1: node-2 started again; it serves 4 and the nodes all 12 after 9876 ms\n")

    def test_a_log_without_the_summary_stops_the_record(self):
        with self.assertRaises(SystemExit):
            record.parse_iso_load("engine exited\n")


class RecordAndCheckTest(unittest.TestCase):
    """record-result.py writes a record the renderer reads; --check fails on a page that differs."""

    def setUp(self):
        self.root = pathlib.Path(tempfile.mkdtemp(prefix="render-results-test."))
        (self.root / "benchmarks").mkdir()
        for f in ("render-results.py", "record-result.py", "targets.json"):
            shutil.copy(HERE / f, self.root / "benchmarks" / f)
        git(self.root, "init", "-q")
        git(self.root, "config", "user.email", "t@example.invalid")
        git(self.root, "config", "user.name", "t")
        (self.root / "engine" / "src" / "main").mkdir(parents=True)
        (self.root / "engine" / "src" / "main" / "A.java").write_text("class A {}\n")
        git(self.root, "add", "-A")
        git(self.root, "commit", "-qm", "code")

    def tearDown(self):
        shutil.rmtree(self.root)

    def run_script(self, *args):
        return subprocess.run([sys.executable, *args], cwd=self.root, capture_output=True, text=True)

    def test_record_then_render_then_check(self):
        runs = self.root / "runs.jsonl"
        runs.write_text(json.dumps({"label": "x", "startsAt": 1}) + "\n")
        cpu = {"jit": 900, "gc": 300, "main": 400, "ended": 500, "journal": 100, "settlement": 0, "eventLoops": 50,
               "other": 150, "total": 2400}
        # the start that maps a class-data archive is slower than the target here: were it counted, the verdict would fail
        restart = [{"snapshotEnabled": True, "readyS": 0.9, "journaledPaymentsPerS": 11_000_000, "loaded": "event=snapshot_loaded",
                    "cpuToReadyMs": cpu},
                   {"snapshotEnabled": True, "readyS": 2.5, "journaledPaymentsPerS": 4_000_000, "loaded": "event=snapshot_loaded",
                    "classDataArchive": True},
                   {"snapshotEnabled": True, "readyS": 3.5, "journaledPaymentsPerS": 2_900_000, "loaded": "event=snapshot_loaded",
                    "oldJar": "abc1234"}]
        (self.root / "starts.jsonl").write_text("".join(json.dumps(s) + "\n" for s in restart))
        r = self.run_script("benchmarks/record-result.py", "run-restart", "--command", "benchmarks/run-restart.sh 10000000 1",
                            "--load", '{"payments": 10000000, "rounds": 1}', "--runs", "starts.jsonl")
        self.assertEqual(0, r.returncode, r.stderr)
        written = list((self.root / "benchmarks" / "results").rglob("run-restart-*.json"))
        self.assertEqual(1, len(written))
        record = json.loads(written[0].read_text())
        self.assertEqual(git(self.root, "rev-parse", "HEAD"), record["code"]["commit"])
        self.assertIs(False, record["code"]["dirty"], "an untracked file and the results are not code changes")
        self.assertEqual(os.cpu_count(), record["machine"]["nproc"])
        self.assertEqual("benchmarks/run-restart.sh 10000000 1", record["command"])

        self.assertEqual(0, self.run_script("benchmarks/render-results.py").returncode)
        page = (self.root / "benchmarks" / "RESULTS.md").read_text()
        self.assertIn("| Restart to ready ≥ 10 M journaled payments/s, whole process, from the snapshot (issue 22) "
                      "| [run-restart](#run-restart) | ≥ 10,000,000 journaled payments/s | **met** | 1 |", page)
        self.assertIn("| 1 | measured | true | event=snapshot_loaded | none | 0.9 | 11,000,000 |", page)
        self.assertIn("| 2 | measured | true | event=snapshot_loaded | mapped | 2.5 | 4,000,000 |", page)
        self.assertIn("| 3 | old (`abc1234`) | true | event=snapshot_loaded | none | 3.5 | 2,900,000 |", page)
        self.assertIn("Ready from the snapshot, measured jar: 0.9 s; old jar: 3.5 s.", page)
        self.assertIn("| 1 | 2,400 | 2.67 | 900 | 300 | 400 | 500 | 100 | 0 | 50 | 150 |", page)
        self.assertEqual(0, self.run_script("benchmarks/render-results.py", "--check").returncode)

        (self.root / "engine" / "src" / "main" / "A.java").write_text("class A { int changed; }\n")
        r = self.run_script("benchmarks/record-result.py", "run-restart", "--command", "c", "--runs", "starts.jsonl")
        self.assertEqual(0, r.returncode, r.stderr)
        dirty = [json.loads(p.read_text()) for p in (self.root / "benchmarks" / "results").rglob("*.json")]
        self.assertEqual([False, True], sorted(d["code"]["dirty"] for d in dirty))

        (self.root / "benchmarks" / "RESULTS.md").write_text(page.replace("**met**", "**met** by hand"))
        r = self.run_script("benchmarks/render-results.py", "--check")
        self.assertNotEqual(0, r.returncode)
        self.assertIn("not what benchmarks/results/ renders", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
