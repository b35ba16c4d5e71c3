#!/usr/bin/env bash
# Checks the ops/ files: Prometheus config, rules and rule unit tests, the Grafana dashboard,
# rule metric names and runbook anchors; with a URL argument also the live /metrics output.
#
#   .ci/ops-checks.sh                                   # static checks
#   .ci/ops-checks.sh http://127.0.0.1:9464/metrics     # plus `promtool check metrics`
#
# Installs Debian's prometheus package when promtool is missing (CI runs as root and reaches
# the Debian mirrors). Exits non-zero on the first failing check.
set -euo pipefail

cd "$(dirname "$0")/.."

if ! command -v promtool >/dev/null 2>&1; then
  echo "== promtool missing: installing Debian's prometheus package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # policy-rc.d may refuse to start the bundled prometheus service; we only want promtool.
  apt-get install -y -qq --no-install-recommends prometheus
fi
command -v python3 >/dev/null 2>&1 || { echo "python3 is required" >&2; exit 1; }
promtool --version 2>&1 | sed -n 1p

step() { echo; echo "== $*"; "$@"; }

# rule_files in prometheus.yml are resolved relative to prometheus.yml itself.
step promtool check config ops/prometheus/prometheus.yml
step promtool check rules ops/prometheus/rules.yml
step promtool test rules ops/prometheus/rules.test.yml
step python3 ops/prometheus/check_rules.py

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
step python3 -m json.tool ops/grafana/lumbung.json "$tmp/lumbung.pretty.json"
step python3 ops/grafana/check_dashboard.py --promql-rules "$tmp/dashboard-rules.yml"
# Every dashboard expression must also parse as PromQL.
step promtool check rules "$tmp/dashboard-rules.yml"

if [[ $# -ge 1 ]]; then
  url=$1
  echo
  echo "== curl -fsS $url | promtool check metrics"
  curl -fsS --max-time 10 "$url" > "$tmp/metrics.txt"
  # promtool check metrics exits 1 on lint problems (and prints them); keep both visible.
  promtool check metrics < "$tmp/metrics.txt"
fi

echo
echo "ops checks: all passed"
