#!/usr/bin/env python3
"""Checks the Grafana dashboard against the metric names the engine exports.

Usage: check_dashboard.py [--promql-rules OUT.yml] [DASHBOARD_JSON] [METRICS_TXT]
(defaults: ops/grafana/lumbung.json and ops/metrics.txt next to this script).

Fails (exit 1, one line per problem) when the dashboard is not valid JSON, not schemaVersion
36 or later, a panel has no datasource or a query without an expression, two panels share
an id, or any PromQL expression (panel targets and template variables) names a metric that
is not in the allow-list. Histogram names in the allow-list also allow their _bucket, _count
and _sum series. Standard library only: CI runs it with a bare python3.

With --promql-rules, also writes every panel expression, Grafana variables replaced by
plain values, as a recording rule into OUT.yml, so that `promtool check rules OUT.yml`
proves each one parses as PromQL.
"""
import json
import re
import sys
from pathlib import Path

HISTOGRAM_SUFFIXES = ("_bucket", "_count", "_sum")
# Series Prometheus itself adds to every target.
SCRAPE_SERIES = {"up", "scrape_duration_seconds", "scrape_samples_scraped"}

PROMQL_WORDS = {
    # aggregation operators
    "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values",
    "bottomk", "topk", "quantile",
    # keywords and binary operators
    "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless",
    "offset", "bool", "atan2", "inf", "nan", "Inf", "NaN",
    # functions
    "abs", "absent", "absent_over_time", "ceil", "changes", "clamp", "clamp_max", "clamp_min",
    "day_of_month", "day_of_week", "day_of_year", "days_in_month", "delta", "deriv", "exp",
    "floor", "histogram_quantile", "holt_winters", "hour", "idelta", "increase", "irate",
    "label_join", "label_replace", "ln", "log2", "log10", "minute", "month", "predict_linear",
    "rate", "resets", "round", "scalar", "sgn", "sort", "sort_desc", "sqrt", "time",
    "timestamp", "vector", "year", "avg_over_time", "min_over_time", "max_over_time",
    "sum_over_time", "count_over_time", "quantile_over_time", "stddev_over_time",
    "stdvar_over_time", "last_over_time", "present_over_time",
    # Grafana template-variable query functions
    "label_values", "label_names", "metrics", "query_result",
}

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
_MATCHERS = re.compile(r"\{[^{}]*\}")
_RANGE = re.compile(r"\[[^\[\]]*\]")
_GROUPING = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)")
_LABEL_VALUES = re.compile(r"\blabel_values\s*\(([^(),]*(?:\([^()]*\))?[^(),]*),\s*[A-Za-z_]\w*\s*\)")
_VARIABLE = re.compile(r"\$\{[^}]*\}|\$\w+")
_OFFSET = re.compile(r"\boffset\s+-?\w+")
_NUMBER = re.compile(r"(?<![\w:])\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_IDENT = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")


def metric_names(expr):
    """Returns the metric names a PromQL expression selects."""
    text = _VARIABLE.sub(" ", _STRING.sub('""', expr))
    text = _MATCHERS.sub(" ", text)
    text = _RANGE.sub(" ", text)
    text = _GROUPING.sub(r"\1", text)
    text = _LABEL_VALUES.sub(r"label_values(\1)", text)
    text = _OFFSET.sub(" ", text)
    text = _NUMBER.sub(" ", text)
    return {word for word in _IDENT.findall(text) if word not in PROMQL_WORDS}


def load_allowed(metrics_txt):
    names = set()
    for line in Path(metrics_txt).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            names.add(line)
    return names


def is_allowed(name, allowed):
    if name in allowed or name in SCRAPE_SERIES:
        return True
    for suffix in HISTOGRAM_SUFFIXES:
        if name.endswith(suffix) and name[: -len(suffix)] in allowed:
            return True
    return False


def unknown_metrics(where, expr, allowed):
    return [f"{where}: metric '{name}' is not in metrics.txt"
            for name in sorted(metric_names(expr)) if not is_allowed(name, allowed)]


def all_panels(panels):
    for panel in panels:
        yield panel
        yield from all_panels(panel.get("panels", []))


def variable_query(variable):
    query = variable.get("query")
    if isinstance(query, dict):
        query = query.get("query")
    return query if isinstance(query, str) else ""


def check(dashboard, allowed):
    problems = []
    if dashboard.get("schemaVersion", 0) < 36:
        problems.append(f"schemaVersion {dashboard.get('schemaVersion')} is older than 36")
    ids = {}
    expressions = 0
    for panel in all_panels(dashboard.get("panels", [])):
        pid = panel.get("id")
        where = f"panel {pid} '{panel.get('title')}'"
        if pid in ids:
            problems.append(f"{where}: id also used by '{ids[pid]}'")
        ids[pid] = panel.get("title")
        if panel.get("type") == "row":
            continue
        if not panel.get("datasource"):
            problems.append(f"{where}: no datasource")
        for target in panel.get("targets", []):
            expr = target.get("expr", "")
            if not expr.strip():
                problems.append(f"{where} target {target.get('refId')}: empty expr")
                continue
            expressions += 1
            problems += unknown_metrics(where, expr, allowed)
    for variable in dashboard.get("templating", {}).get("list", []):
        if variable.get("type") == "query":
            problems += unknown_metrics(f"variable ${variable.get('name')}",
                                        variable_query(variable), allowed)
    if expressions == 0:
        problems.append("no panel has a PromQL expression")
    return problems, expressions


def self_test():
    """The tokenizer must see through strings, matchers, ranges, grouping and variables."""
    expr = ('histogram_quantile(0.99, sum by (le, channel) (rate(foo_seconds_bucket'
            '{job=~"$job",code!="x y"}[$__rate_interval] offset 5m))) / 1e3 > bool 0.5'
            ' and on (instance) label_values(bar_total{a="b"}, instance)')
    got = metric_names(expr)
    assert got == {"foo_seconds_bucket", "bar_total"}, got


GRAFANA_SUBSTITUTES = (("$__rate_interval", "1m"), ("$__interval", "15s"), ("$__range", "1h"))


def as_promql(expr):
    """Replaces Grafana variables so that promtool can parse the expression."""
    for variable, value in GRAFANA_SUBSTITUTES:
        expr = expr.replace(variable, value)
    return _VARIABLE.sub(".*", expr)


def promql_rules(dashboard):
    lines = ["groups:", "  - name: dashboard-expressions", "    rules:"]
    for panel in all_panels(dashboard.get("panels", [])):
        for target in panel.get("targets", []):
            record = f"dashboard:panel_{panel.get('id')}:{target.get('refId')}"
            lines.append(f"      - record: {record}")
            lines.append(f"        expr: {json.dumps(as_promql(target.get('expr', '')))}")
    return "\n".join(lines) + "\n"


def main(argv):
    here = Path(__file__).resolve().parent
    rules_out = None
    if len(argv) > 2 and argv[1] == "--promql-rules":
        rules_out = Path(argv[2])
        argv = argv[:1] + argv[3:]
    dashboard_path = Path(argv[1]) if len(argv) > 1 else here / "lumbung.json"
    metrics_path = Path(argv[2]) if len(argv) > 2 else here.parent / "metrics.txt"
    self_test()
    try:
        dashboard = json.loads(dashboard_path.read_text(encoding="utf-8"))
    except ValueError as error:
        print(f"{dashboard_path}: not valid JSON: {error}")
        return 1
    problems, expressions = check(dashboard, load_allowed(metrics_path))
    for problem in problems:
        print(f"{dashboard_path}: {problem}")
    if problems:
        return 1
    if rules_out is not None:
        rules_out.write_text(promql_rules(dashboard), encoding="utf-8")
    print(f"{dashboard_path}: OK, {expressions} expressions, every metric in {metrics_path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
