#!/bin/sh
# Runs a main of the benchmarks jar under JFR (settings=profile) and summarizes the recording with
# report.JfrSummary: top methods by CPU samples and top allocation sites, as text beside the .jfr.
#   mesh-benchmarks/profile.sh <main class> [args...]
#   e.g. mesh-benchmarks/profile.sh io.mesh4j.benchmarks.LoadHarness --backends 3 --requests 20000 --rounds 2
# Environment: PROFILE_DIR (default mesh-benchmarks/results/profiles), PROFILE_NAME (default the
# main's simple name), JFR_TOP (default 25), JFR_FILTER (default io.mesh4j), JFR_EXCLUDE (default
# io.mesh4j.benchmarks., the harness itself), JAVA_OPTS (more JVM options), BUILD=0 to use the jar
# as it is. A JMH benchmark forks its own JVMs: profile those with
# JMH's `-prof jfr` instead, then run JfrSummary on the files it writes.
set -eu
if [ $# -lt 1 ]; then
  sed -n '2,10p' "$0" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
jar=mesh-benchmarks/target/benchmarks.jar
if [ "${BUILD:-1}" != 0 ] || [ ! -f "$jar" ]; then
  mvn -B -o -q -pl mesh-benchmarks -am package -DskipTests
fi
main=$1
shift
dir=${PROFILE_DIR:-mesh-benchmarks/results/profiles} # its .gitignore keeps the .jfr files out
mkdir -p "$dir"
name=${PROFILE_NAME:-${main##*.}}
jfr="$dir/$name-$(date -u +%Y%m%d-%H%M%S).jfr"
# DebugNonSafepoints: without it a sample is charged to the nearest debug info, e.g. Kotlin's
# never-taken throwParameterIsNullNPE inside OkHttp, instead of the code that was running
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
java -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints ${JAVA_OPTS:-} "-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=$jfr" \
  -cp "$jar" "$main" "$@"
java -Djava.awt.headless=true -cp "$jar" io.mesh4j.benchmarks.report.JfrSummary \
  --jfr "$jfr" --top "${JFR_TOP:-25}" --filter "${JFR_FILTER:-io.mesh4j}" --exclude "${JFR_EXCLUDE-io.mesh4j.benchmarks.}"
