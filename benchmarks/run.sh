#!/usr/bin/env bash
# FieldVault benchmarks: bash benchmarks/run.sh [smoke|quick|full] [JMH regex]
#   smoke  one very short iteration of every suite (CI: proves they run, figures meaningless)
#   quick  the figures quoted in BENCHMARKS.md (cipher sizes 64 B and 4 KiB), about 10 minutes on 2 cores
#   full   every size (16 B to 4 KiB), longer warm-up and measurement, two forks
# The KMS KEK rotation (kms.KmsKekRotationBenchmark) starts a local moto server itself (skipped with a
# message when moto is absent, failed under CI=true).
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
  smoke) opts=(-f 1 -wi 0 -i 1 -r 200ms -p size=64 -foe true); rot=(-Drows=2000 -Drounds=1); kms=(-Dkeysets=100 -Drows=100) ;;
  quick) opts=(-f 1 -wi 3 -w 1s -i 5 -r 500ms -p size=64,4096); rot=(-Drows=100000 -Drounds=2); kms=(-Dkeysets=10000) ;;
  full)  opts=(-f 2 -wi 5 -w 2s -i 10 -r 2s); rot=(-Drows=100000 -Drounds=3); kms=(-Dkeysets=10000) ;;
  *) echo "usage: $0 [smoke|quick|full] [regex]" >&2; exit 2 ;;
esac
java -jar "$jar" "$filter" "${opts[@]}" -rf json -rff "$out"
echo
echo "## Ratios ($mode run, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores)"
java -cp "$jar" dev.fieldvault.benchmarks.report.RatioReport "$out"
echo
echo "## Storage per value"
java -cp "$jar" dev.fieldvault.benchmarks.report.StorageOverheadReport
if [[ "$filter" == ".*" || "$filter" == *otation* ]]; then
  echo
  echo "## Rewrapper vs plain batched UPDATE vs naive loop (PostgreSQL, one table, same JVM)"
  java -Xmx64m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn "${rot[@]}" \
    -cp "$jar" dev.fieldvault.benchmarks.rotation.RotationBenchmark
fi
if [[ "$filter" == ".*" || "$filter" == *igration* ]]; then
  echo
  echo "## Plaintext migration job vs plain batched UPDATE vs naive loop (PostgreSQL, one table, same JVM)"
  java -Xmx64m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn "${rot[@]}" \
    -cp "$jar" dev.fieldvault.benchmarks.rotation.MigrationBenchmark
fi
if [[ "$filter" == ".*" || "$filter" == *[Kk]ms* || "$filter" == *[Kk]ek* ]]; then
  echo
  java -Xmx256m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn "${kms[@]}" \
    -cp "$jar" dev.fieldvault.benchmarks.kms.KmsKekRotationBenchmark
fi
