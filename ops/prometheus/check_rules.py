#!/usr/bin/env python3
"""Checks rules.yml against ops/metrics.txt and ops/RUNBOOK.md.

Usage: check_rules.py [RULES_YML] [METRICS_TXT] [RUNBOOK_MD]

Fails (exit 1, one line per problem) when an expression names a metric that is neither in
metrics.txt nor recorded by rules.yml itself, when an alert lacks a severity label or a
summary, description or runbook_url annotation, or when a runbook_url's anchor is not a
heading of RUNBOOK.md (GitHub's heading slugs), or when RUNBOOK.md links to a missing
heading of its own. promtool checks the syntax; this checks the
names. Standard library only: reads the small, regular rules.yml line by line.
"""
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "grafana"))
from check_dashboard import is_allowed, load_allowed, metric_names  # noqa: E402

REQUIRED_ANNOTATIONS = ("summary", "description", "runbook_url")
_RULE = re.compile(r"^\s*- (alert|record):\s*(\S+)\s*$")
_KEY = re.compile(r"^(\s*)(expr|severity|summary|description|runbook_url):\s*(.*)$")


def parse_rules(text):
    """Returns [{kind, name, expr, severity?, summary?, ...}] in file order."""
    rules = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        rule = _RULE.match(line)
        if rule:
            rules.append({"kind": rule.group(1), "name": rule.group(2)})
            continue
        key = _KEY.match(line)
        if not key or not rules:
            continue
        indent, name, value = len(key.group(1)), key.group(2), key.group(3).strip()
        if value in ("|", ">", "|-", ">-"):
            block = []
            while i < len(lines) and (not lines[i].strip()
                                      or len(lines[i]) - len(lines[i].lstrip()) > indent):
                block.append(lines[i].strip())
                i += 1
            value = " ".join(block)
        elif len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        rules[-1][name] = value
    return rules


def heading_anchors(markdown):
    anchors = set()
    for line in markdown.splitlines():
        heading = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if heading:
            slug = re.sub(r"[^\w\- ]", "", heading.group(1).lower()).replace(" ", "-")
            anchors.add(slug)
    return anchors


def check(rules, allowed, anchors):
    problems = []
    recorded = {rule["name"] for rule in rules if rule["kind"] == "record"}
    for rule in rules:
        where = f"{rule['kind']} {rule['name']}"
        if not rule.get("expr"):
            problems.append(f"{where}: no expr")
        for name in sorted(metric_names(rule.get("expr", ""))):
            if name not in recorded and not is_allowed(name, allowed):
                problems.append(f"{where}: metric '{name}' is not in metrics.txt nor recorded")
        if rule["kind"] != "alert":
            continue
        if rule.get("severity") not in ("critical", "warning", "info"):
            problems.append(f"{where}: severity label missing or not critical/warning/info")
        for annotation in REQUIRED_ANNOTATIONS:
            if not rule.get(annotation):
                problems.append(f"{where}: no {annotation} annotation")
        url = rule.get("runbook_url", "")
        if "#" in url and url.split("#", 1)[1] not in anchors:
            problems.append(f"{where}: runbook anchor '#{url.split('#', 1)[1]}' is not a heading")
    return problems


def main(argv):
    rules_path = Path(argv[1]) if len(argv) > 1 else HERE / "rules.yml"
    metrics_path = Path(argv[2]) if len(argv) > 2 else HERE.parent / "metrics.txt"
    runbook_path = Path(argv[3]) if len(argv) > 3 else HERE.parent / "RUNBOOK.md"
    rules = parse_rules(rules_path.read_text(encoding="utf-8"))
    anchors = heading_anchors(runbook_path.read_text(encoding="utf-8"))
    problems = check(rules, load_allowed(metrics_path), anchors)
    for link in sorted(set(re.findall(r"\]\(#([^)]+)\)", runbook_path.read_text(encoding="utf-8")))):
        if link not in anchors:
            problems.append(f"{runbook_path.name}: link '#{link}' is not a heading")
    alerts = sum(1 for rule in rules if rule["kind"] == "alert")
    if alerts == 0:
        problems.append("no alerts found")
    for problem in problems:
        print(f"{rules_path}: {problem}")
    if problems:
        return 1
    print(f"{rules_path}: OK, {len(rules)} rules, {alerts} alerts, names and runbook anchors")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
