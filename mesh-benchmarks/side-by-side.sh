#!/usr/bin/env bash
# The overhead ladder side by side (issue 13): raw OkHttp, mesh4j (core, all modules, mTLS), OkHttp
# through an HAProxy hop and an HAProxy mTLS pair, and Armeria's WebClient, interleaved in one run
# against the same local nginx backends. Installs nginx and HAProxy when missing (as root, with
# apt-get; otherwise it says what to install and runs the variants it can), builds the benchmarks
# jar, runs SideBySide with the arguments given, then the chart tool when the jar has it.
#
#   mesh-benchmarks/side-by-side.sh                       # full run, about 10 minutes
#   mesh-benchmarks/side-by-side.sh --rounds 3 --round-seconds 5 --modes closed,open-1000
#   mesh-benchmarks/side-by-side.sh --smoke               # a few seconds: does it run
#
# Options: --rounds N --round-seconds S --warmup-seconds S --threads N
#          --modes closed,open-1000,open-5000 --variants a,b,... --out DIR --smoke
# Results: mesh-benchmarks/results/overhead-ladder-<yyyyMMdd-HHmmss>.json (or --out DIR), charts beside it.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    # the packages start system services; the harness starts its own on free loopback ports
    if command -v systemctl >/dev/null 2>&1; then
      for unit in nginx haproxy; do systemctl stop "$unit" >/dev/null 2>&1 || true; done
    fi
    if [ -f /run/nginx.pid ]; then kill "$(cat /run/nginx.pid)" >/dev/null 2>&1 || true; fi
  else
    echo "missing: ${missing[*]} (sudo apt-get install ${missing[*]}); the variants that need them are listed as unavailable" >&2
  fi
fi

mvn -B -q -pl mesh-benchmarks -am package -DskipTests
jar=mesh-benchmarks/target/benchmarks.jar

log=$(mktemp)
trap 'rm -f "$log"' EXIT
java -cp "$jar" io.mesh4j.benchmarks.sidebyside.SideBySide "$@" | tee "$log"
result=$(sed -n 's/^results: //p' "$log" | tail -n 1)

# The chart tool is another part of mesh-benchmarks; run it only when this jar has it.
if [ -n "$result" ] && unzip -l "$jar" 'io/mesh4j/benchmarks/report/ChartReport.class' >/dev/null 2>&1; then
  dir=$(dirname "$result")
  java -Djava.awt.headless=true -cp "$jar" io.mesh4j.benchmarks.report.ChartReport --in "$dir" --out "$dir"
fi
