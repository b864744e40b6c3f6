#!/usr/bin/env bash
# FieldVault benchmarks: bash benchmarks/run.sh [smoke|quick|full] [JMH regex]
#   smoke  one very short iteration of every suite (CI: proves they run, figures meaningless)
#   quick  the figures quoted in BENCHMARKS.md, under 10 minutes on 2 cores
#   full   longer warm-up and measurement, more forks
# PostgreSQL suites read FIELDVAULT_BENCH_POSTGRES_URL/_USER/_PASSWORD (default: the local service).
# Results: benchmarks/target/results-<mode>.json and a ratio table on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-quick}"
filter="${2:-.*}"
mvn -q -B -pl benchmarks -am -DskipTests package
jar=benchmarks/target/benchmarks.jar
out="benchmarks/target/results-$mode.json"
case "$mode" in
  smoke) opts=(-f 1 -wi 0 -i 1 -r 200ms -p size=64) ;;
  quick) opts=(-f 1 -wi 3 -w 1s -i 5 -r 1s) ;;
  full)  opts=(-f 2 -wi 5 -w 2s -i 10 -r 2s) ;;
  *) echo "usage: $0 [smoke|quick|full] [regex]" >&2; exit 2 ;;
esac
java -jar "$jar" "$filter" "${opts[@]}" -rf json -rff "$out"
echo
echo "## Ratios ($mode run, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores)"
java -cp "$jar" dev.fieldvault.benchmarks.report.RatioReport "$out"
echo
echo "## Storage per value"
java -cp "$jar" dev.fieldvault.benchmarks.report.StorageOverheadReport
