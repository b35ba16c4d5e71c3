#!/usr/bin/env python3
"""Fails the CI run when a test was skipped without a reason on record.

Usage: check-skips.py ALLOWLIST REPORT_GLOB

Reads every surefire report matching REPORT_GLOB (TEST-*.xml) and lists each skipped test case.
ALLOWLIST holds one line per test allowed to skip, `Class#method  reason`: Class is the fully
qualified class name, method the test method (a parameterised test's invocations all match its
method name; `*` matches every method of the class, and is the only entry that allows a class
none of whose tests ran, as surefire reports a class whose @BeforeAll assumption failed), and the
reason is required. Blank lines and
lines starting with `#` are ignored. Exit 0 when every skipped test is allowed, 1 otherwise (each
skip not allowed is named), 2 on an allowlist line without a reason.
"""
import glob
import re
import sys
import xml.etree.ElementTree as ET


def allowlist(path):
    allowed = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 1)
            if len(parts) < 2 or "#" not in parts[0]:
                print(f"{path}:{number}: expected 'Class#method  reason', got {line!r}", file=sys.stderr)
                sys.exit(2)
            allowed[parts[0]] = parts[1]
    return allowed


def skipped(pattern):
    for report in sorted(glob.glob(pattern)):
        suite = ET.parse(report).getroot()
        if suite.find("testcase") is None:
            # an assumption in @BeforeAll aborts the whole class, and surefire then reports a suite
            # with no test case at all rather than skipped ones: count it as the class skipped
            yield suite.get("name", ""), "*", "no test of the class ran (a class-level assumption aborted it)"
            continue
        for case in suite.iter("testcase"):
            mark = case.find("skipped")
            if mark is not None:
                # "method(Type, Type)[2]" or "[2] label" for a parameterised invocation: the method name alone
                method = re.split(r"[(\[]", case.get("name", ""), maxsplit=1)[0].strip()
                text = (mark.get("message") or mark.text or "").strip()
                yield case.get("classname", ""), method, text.splitlines()[0] if text else ""


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    allowed = allowlist(sys.argv[1])
    refused = []
    count = 0
    for cls, method, message in skipped(sys.argv[2]):
        count += 1
        if f"{cls}#{method}" in allowed or f"{cls}#*" in allowed:
            continue
        refused.append(f"{cls}#{method}: {message}")
    for r in refused:
        print(f"skipped test not on {sys.argv[1]}: {r}", file=sys.stderr)
    print(f"skipped tests: {count}, allowed {count - len(refused)}, not allowed {len(refused)}")
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
