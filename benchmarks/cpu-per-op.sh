#!/usr/bin/env bash
# CPU time per operation of one JMH benchmark, split between the benchmark's JVM and the PostgreSQL
# server: on a machine shared with other work, a throughput figure moves with the load, the CPU each
# operation costs much less. Reads /proc (Linux) over a 12 s window inside the measurement iterations
# (after 24 s of setup and four 5 s warm-up iterations: the vault's write path is still being compiled before), and the iterations' mean score for the operation count.
#   bash benchmarks/cpu-per-op.sh 'SecretsVaultBenchmark\.vaultPutConcurrent$' [extra JVM args]
# Needs benchmarks/target/benchmarks.jar (bash benchmarks/run.sh smoke builds it) and a local PostgreSQL
# whose server processes run as the user postgres.
set -euo pipefail
cd "$(dirname "$0")/.."
re="$1"; extra="${2:-}"
out="$(mktemp)"
java -jar benchmarks/target/benchmarks.jar "$re" -f 1 -wi 4 -w 5s -i 4 -r 5s -bm thrpt -tu s \
  ${extra:+-jvmArgsAppend "$extra"} > "$out" 2>&1 &
bench=$!
sleep 24
fork="$(pgrep -f 'jmh.runner.ForkedMain' | head -n1)"
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_ticks() { local t=0; for p in $(pgrep -u postgres); do t=$((t + $(ticks "$p"))); done; echo "$t"; }
j0=$(ticks "$fork"); p0=$(pg_ticks); t0=$(date +%s.%N)
sleep 12
j1=$(ticks "$fork"); p1=$(pg_ticks); t1=$(date +%s.%N)
wait "$bench"
score="$(grep -E '^Iteration' "$out" | grep -oE '[0-9]+\.[0-9]+ ops/s' | awk '{s += $1; n++} END {if (n) printf "%.1f", s / n}')"
hz="$(getconf CLK_TCK)"
awk -v s="$score" -v j=$((j1 - j0)) -v p=$((p1 - p0)) -v a="$t0" -v b="$t1" -v hz="$hz" 'BEGIN {
  ops = s * (b - a);
  printf "%s ops/s (mean of the measurement iterations); CPU per operation: JVM %.0f us, PostgreSQL %.0f us\n",
    s, j / hz * 1e6 / ops, p / hz * 1e6 / ops }'
rm -f "$out"
