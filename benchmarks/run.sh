#!/usr/bin/env bash
# FieldVault benchmarks: bash benchmarks/run.sh [smoke|quick|full|scale] [filter]
#   smoke  one very short pass of every suite (CI: proves they run, figures meaningless)
#   quick  the figures quoted in BENCHMARKS.md, about 15 minutes on 2 cores: JMH suites with 2 forks
#          and the allocation profiler (-prof gc; the secrets vault suite 1 fork); Hibernate as paired
#          rounds (HibernateRounds) on H2, PostgreSQL and MariaDB; rewrapper (PostgreSQL, MariaDB) and
#          migration on 100,000 rows; tenant keyrings at 20,000; KMS KEK rotation hierarchical mode
#   full   every cipher size, 3 forks and longer JMH iterations, more Hibernate rounds (about 45 minutes)
#   scale  the scale modes only: the rewrapper on 1,000,000 rows (PostgreSQL and MariaDB, 1 and 2
#          workers) and 1,000,000 per-tenant keyrings in random order (PostgreSQL) — an hour or more
# filter: a JMH regex; the non-JMH suites run when it is .* or names them (Hibernate, otation, igration,
# Kms/Kek, enant, PassThrough/JdbcWrapper: the JDBC pass-through in paired CPU-time rounds).
# The KMS KEK rotation (kms.KmsKekRotationBenchmark) starts a local moto server itself (skipped with a
# message when moto is absent, failed under CI=true).
# PostgreSQL suites read FIELDVAULT_BENCH_POSTGRES_URL/_USER/_PASSWORD, MariaDB ones
# FIELDVAULT_BENCH_MARIADB_URL/_USER/_PASSWORD (default: the local services, database test).
# Results: benchmarks/target/results-<mode>.json and ratio tables on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-quick}"
filter="${2:-.*}"
mvn -q -B ${MAVEN_ARGS_BENCH:-} -pl benchmarks -am -DskipTests package
jar=benchmarks/target/benchmarks.jar
out="benchmarks/target/results-$mode.json"
pg_url="${FIELDVAULT_BENCH_POSTGRES_URL:-jdbc:postgresql://127.0.0.1:5432/test}"
pg_user="${FIELDVAULT_BENCH_POSTGRES_USER:-postgres}"
pg_password="${FIELDVAULT_BENCH_POSTGRES_PASSWORD:-}"
maria_url="${FIELDVAULT_BENCH_MARIADB_URL:-jdbc:mariadb://127.0.0.1:3306/test}"
maria_user="${FIELDVAULT_BENCH_MARIADB_USER:-root}"
maria_password="${FIELDVAULT_BENCH_MARIADB_PASSWORD:-}"
# JMH: the Hibernate suite's figures come from HibernateRounds (below); its JMH class runs in smoke only
# (and by hand: java -jar benchmarks/target/benchmarks.jar HibernateBenchmark -prof gc ...)
case "$mode" in
  # smoke: every JMH benchmark in this one JVM (-f 0): a fork each cost most of CI's smoke time
  smoke) jmh=(-f 0 -wi 0 -i 1 -r 200ms -p size=64 -foe true -p database=H2 -p variant=FIELDVAULT); exclude='^$'
         secrets=()
         hib=(-Dwarmup=1 -Drounds=3 -Dslice=30 -DcountOps=20); rot=(-Drows=2000 -Drounds=1)
         tenants=(-Dtenants=2000 -DcacheSize=500 -Dmisses=200 -Drounds=1); kms=(-Dkeysets=100 -Drows=100)
         pass=(-Dwarmup=1 -Drounds=3 -Dops=200) ;;
  quick) jmh=(-f 2 -wi 2 -w 1s -i 5 -r 400ms -p size=64 -prof gc); exclude='HibernateBenchmark|SecretsVaultBenchmark'
         secrets=(-f 1 -wi 3 -w 1s -i 5 -r 500ms -prof gc)
         hib=(-Dwarmup=15 -Drounds=21 -Dslice=150 -DcountOps=200); rot=(-Drows=100000 -Drounds=1)
         tenants=(-Dtenants=20000 -DcacheSize=5000 -Dmisses=2000 -Drounds=5); kms=(-Dkeysets=10000 -Dmode=hierarchical)
         pass=(-Dwarmup=20 -Drounds=101) ;;
  full)  jmh=(-f 3 -wi 5 -w 2s -i 10 -r 1s -prof gc); exclude='HibernateBenchmark|SecretsVaultBenchmark'
         secrets=(-f 2 -wi 3 -w 2s -i 5 -r 2s -prof gc)
         hib=(-Dwarmup=30 -Drounds=41 -Dslice=250 -DcountOps=500); rot=(-Drows=100000 -Drounds=3)
         tenants=(-Dtenants=100000 -DcacheSize=10000 -Dmisses=10000 -Drounds=9); kms=(-Dkeysets=10000)
         pass=(-Dwarmup=30 -Drounds=201) ;;
  scale) jmh=(); exclude=''
         rot=(-Drows=1000000 -Drounds=2); tenants=(-Dtenants=1000000 -DcacheSize=10000 -Dmisses=20000 -Drounds=9) ;;
  *) echo "usage: $0 [smoke|quick|full|scale] [filter]" >&2; exit 2 ;;
esac
runs() { [[ "$filter" == ".*" || "$filter" == *$1* ]]; }
if [[ "$mode" != scale ]]; then
  echo "## Ratios ($mode run, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores)"
  listed="$(java -jar "$jar" -l "$filter" -e "$exclude")"
  if [[ "$listed" == *$'\n'dev.* ]]; then   # any JMH benchmark selected
    java -jar "$jar" "$filter" -e "$exclude" "${jmh[@]}" -rf json -rff "$out"
    java -cp "$jar" dev.fieldvault.benchmarks.report.RatioReport "$out"
  fi
  # the secrets vault suite (24 benchmarks, not a #15 target) with one fork in quick, to keep it near 15 minutes
  if [[ ${#secrets[@]} -gt 0 ]] && runs SecretsVault; then
    java -jar "$jar" 'SecretsVaultBenchmark' "${secrets[@]}" -rf json -rff "${out%.json}-secrets.json"
    java -cp "$jar" dev.fieldvault.benchmarks.report.RatioReport "${out%.json}-secrets.json"
  fi
  echo
  echo "## Storage per value"
  java -cp "$jar" dev.fieldvault.benchmarks.report.StorageOverheadReport
  if runs assThrough || runs JdbcWrapper; then
    echo
    java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn "${pass[@]}" -cp "$jar" dev.fieldvault.benchmarks.jdbc.PassThroughRounds
  fi
  if runs ibernate; then
    echo
    FIELDVAULT_BENCH_POSTGRES_URL="$pg_url" FIELDVAULT_BENCH_MARIADB_URL="$maria_url" \
      java -Xmx3g -Dorg.jboss.logging.provider=slf4j -Dorg.slf4j.simpleLogger.defaultLogLevel=warn "${hib[@]}" \
      -cp "$jar" dev.fieldvault.benchmarks.hibernate.HibernateRounds
  fi
fi
if runs otation; then
  for db in postgres mariadb; do
    if [[ $db == postgres ]]; then conn=(-Durl="$pg_url" -Duser="$pg_user" -Dpassword="$pg_password")
    else conn=(-Durl="$maria_url" -Duser="$maria_user" -Dpassword="$maria_password"); fi
    echo
    echo "## Rewrapper vs the same write form without crypto vs plain batched UPDATE ($db, one table, same JVM)"
    java -Xmx64m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn "${rot[@]}" "${conn[@]}" \
      -cp "$jar" dev.fieldvault.benchmarks.rotation.RotationBenchmark
  done
fi
if [[ "$mode" != scale ]] && runs igration; then
  echo
  echo "## Plaintext migration job vs plain batched UPDATE vs naive loop (PostgreSQL, one table, same JVM)"
  java -Xmx64m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn "${rot[@]}" \
    -Durl="$pg_url" -Duser="$pg_user" -Dpassword="$pg_password" \
    -cp "$jar" dev.fieldvault.benchmarks.rotation.MigrationBenchmark
fi
if runs enant; then
  echo
  echo "## Per-tenant keyrings from the key store (PostgreSQL): bounded cache, misses, hits, heap"
  java -Xmx512m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn "${tenants[@]}" \
    -Durl="$pg_url" -Duser="$pg_user" -Dpassword="$pg_password" \
    -cp "$jar" dev.fieldvault.benchmarks.cipher.TenantScaleBenchmark
fi
if [[ "$mode" != scale ]] && { runs Kms || runs kms || runs Kek || runs kek; }; then
  echo
  java -Xmx256m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn "${kms[@]}" \
    -cp "$jar" dev.fieldvault.benchmarks.kms.KmsKekRotationBenchmark
fi
