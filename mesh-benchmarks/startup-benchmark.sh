#!/bin/sh
# Startup time of MeshClient.fromProperties in fresh JVMs (see StartupBenchmark).
#   mesh-benchmarks/startup-benchmark.sh [--runs 10] [--before /path/to/other/checkout] [--per-module] [--jvm-arg -Xshare:off]
# --before: a checkout of another commit with its modules compiled there (mvn -o -q compile
# -pl mesh-tls,mesh-discovery,mesh-resilience,mesh-tracing -am); nothing is installed.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cp_file=mesh-benchmarks/target/startup-classpath.txt
mvn -B -o -q -pl mesh-benchmarks -am compile dependency:build-classpath \
  -Dmdep.outputFile="$root/$cp_file" -Dmdep.includeScope=runtime
exec java -cp "mesh-benchmarks/target/classes:$(cat "$cp_file")" io.mesh4j.benchmarks.startup.StartupBenchmark "$@"
