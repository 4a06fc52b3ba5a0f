#!/usr/bin/env bash
# Runtime throughput beside the yardstick: firings per second on SQLite and PostgreSQL with
# 1, 2, 4 and 8 worker processes, p50/p99 latency per firing (from each run's own report: the
# transaction from its first read to its commit), and, on PostgreSQL, the ratio to what
# `pgbench` (built-in simple-update: one small transaction per unit of work) does with as many
# clients on the same throwaway server in the same run.
#
#   scripts/bench-runtime.sh [BINARY]        # default .build/release/cpn-author
#
# Nets: the bulk pipeline (Tests/Fixtures/runtime/bulk-pipeline.yaml, untimed, 3 firings per
# job, a capacity: the cost of a firing itself), and the job-pipeline and polite-scraper examples
# scaled up (timed, ordered places, invariants over every job; run with a 1µs time unit so their
# delays cost nothing but the clock's bookkeeping). All are run unverified (--no-verify): exploring
# a thousand jobs is not what this measures; the tests verify them at their checked-in sizes.
#
# firings/s is over the wall clock of all worker processes together, start-up included.
#
# PostgreSQL: uses CPN_TEST_POSTGRES_URL, or starts (and stops) scripts/postgres-for-tests.sh.
# Settings: JOBS (bulk jobs on SQLite, default 1000), PG_JOBS (bulk jobs on PostgreSQL, default
# 300: a commit there waits for the server's disk), EXAMPLE_JOBS (jobs and targets of the scaled
# examples, default 60), WORKERS (default "1 2 4 8"), BATCH (firings per transaction; default
# the store's own default: 16 on SQLite, 1 on PostgreSQL), NETS (default "bulk job-pipeline
# polite-scraper"), STORES (default "sqlite postgres"), PGBENCH_SECONDS (per client count,
# default 5).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$(realpath "${1:-.build/release/cpn-author}")"
jobs="${JOBS:-1000}"
pg_jobs="${PG_JOBS:-300}"
example_jobs="${EXAMPLE_JOBS:-60}"
worker_counts="${WORKERS:-1 2 4 8}"
batch="${BATCH:-}"
nets="${NETS:-bulk job-pipeline polite-scraper}"
stores="${STORES:-sqlite postgres}"
pgbench_seconds="${PGBENCH_SECONDS:-5}"
[ -x "$bin" ] || { echo "bench-runtime: no binary at $bin (make release)" >&2; exit 2; }

work="$(mktemp -d /tmp/cpn-bench-runtime.XXXXXX)"
started_pg=""
cleanup() {
  rm -rf "$work"
  if [ -n "$started_pg" ]; then scripts/postgres-for-tests.sh stop; fi
}
trap cleanup EXIT

# seq_list N: "1, 2, ..., N"
seq_list() { seq -s ', ' 1 "$1"; }

# The nets at their bench sizes.
bulk_net() {
  sed -e "s/^  JOBS: .*/  JOBS: $1/" -e "s/initial: [0-9]* }/initial: $1 }/" Tests/Fixtures/runtime/bulk-pipeline.yaml >"$work/bulk.yaml"
}
bulk_net "$jobs"
sed -e "s/^  N_JOBS: [0-9]*/  N_JOBS: $example_jobs/" -e "s/initial: \[1, 2, 3\] }/initial: [$(seq_list "$example_jobs")] }/" \
  examples/job-pipeline/net.yaml >"$work/job-pipeline.yaml"
# Targets spread over both domains and priorities; every fetch succeeds or is retried at random.
{
  sed -n '1,/^    initial:$/p' examples/polite-scraper/net.yaml |
    sed -e "s/^  N_TARGETS: [0-9]*/  N_TARGETS: $example_jobs/"
  for i in $(seq 1 "$example_jobs"); do
    d=$([ $((i % 2)) = 0 ] && echo shop || echo news)
    echo "      - \"{id: $i, domain: $d, prio: $((i % 3)), attempt: 0}\""
  done
  sed -n '/^    order: /,$p' examples/polite-scraper/net.yaml
} >"$work/polite-scraper.yaml"
for n in $nets; do [ -f "$work/$n.yaml" ] || { echo "bench-runtime: unknown net $n (bulk, job-pipeline, polite-scraper)" >&2; exit 2; }; done

now() { date +%s.%N; }

# merge_latency FILES...: the p50 and p99 of the runs' latency histograms added up (JSON reports).
merge_latency() {
  if ! command -v python3 >/dev/null; then echo "- -"; return; fi
  python3 - "$@" <<'EOF'
import json, sys
buckets = {}
for name in sys.argv[1:]:
    text = open(name).read()
    start = text.find("{")
    if start < 0:
        continue
    report = json.loads(text[start:])
    for bound, count in report.get("latency_us", {}).get("buckets", []):
        buckets[bound] = buckets.get(bound, 0) + count
total = sum(buckets.values())
def pct(q):
    rank, seen = max(1, -(-q * total // 1)), 0
    for bound in sorted(buckets):
        seen += buckets[bound]
        if seen >= rank:
            return bound
def fmt(us):
    return "-" if us is None else ("%dus" % us if us < 1000 else "%.1fms" % (us / 1000))
print(fmt(pct(0.5) if total else None), fmt(pct(0.99) if total else None))
EOF
}

# bench STORE_LABEL NET STORE PROCESSES [TPS]: prints one line of the table.
bench() {
  local label="$1" net="$2" store="$3" procs="$4" tps="${5:-}" start end pids=() status=0 extra=()
  [ -n "$batch" ] && extra+=(--batch "$batch")
  [ "$net" != bulk ] && extra+=(--tick 1us)
  rm -f "$work"/run-*.json
  start="$(now)"
  for i in $(seq 1 "$procs"); do
    (cd "$work" && "$bin" run "$net.yaml" --store "$store" --no-verify --until final --seed "$i" --format json "${extra[@]}" \
      >"$work/run-$i.json" 2>"$work/run-$i.err") &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || status=1; done
  end="$(now)"
  if [ "$status" != 0 ]; then echo "bench-runtime: a worker failed ($label, $net, $procs):" >&2; cat "$work"/run-*.err "$work"/run-*.json >&2; exit 1; fi
  local fired latency
  fired="$(cat "$work"/run-*.json | sed -n 's/^  "firings": \([0-9]*\),$/\1/p' | paste -sd+ | bc)"
  latency="$(merge_latency "$work"/run-*.json)"
  awk -v l="$label" -v n="$net" -v p="$procs" -v f="$fired" -v s="$start" -v e="$end" -v lat="$latency" -v tps="$tps" \
    'BEGIN { t = e - s; split(lat, q, " "); r = f / t
             ratio = tps > 0 ? sprintf("%5.0f%%", 100 * r / tps) : "     -"
             printf "  %-9s %-15s %7s %8d %8.2f %10.0f %8s %8s %s\n", l, n, p, f, t, r, q[1], q[2], ratio }'
}

header() {
  echo "  store     net             workers  firings  seconds  firings/s      p50      p99  vs pgbench"
}

echo "runtime throughput, $(nproc) cores; bulk: $jobs jobs ($((3 * jobs)) firings) on SQLite, $pg_jobs ($((3 * pg_jobs))) on PostgreSQL; job-pipeline, polite-scraper: $example_jobs jobs/targets"
if [[ " $stores " == *" sqlite "* ]]; then
  header
  for n in $nets; do
    for w in $worker_counts; do bench sqlite "$n" "sqlite:$work/$n-$w.db" "$w"; done
  done
fi
[[ " $stores " == *" postgres "* ]] || exit 0

url="${CPN_TEST_POSTGRES_URL:-}"
if [ -z "$url" ]; then
  # A server of its own (its own directory and port), stopped on exit.
  if ! eval "$(CPN_PG_DIR="$(mktemp -u /tmp/cpn-pg-bench-XXXXXX)" scripts/postgres-for-tests.sh start)"; then
    echo "  postgres  (skipped: no PostgreSQL server; apt-get install postgresql)"; exit 0
  fi
  started_pg=1
  url="$CPN_TEST_POSTGRES_URL"
fi

# The yardstick: pgbench's simple-update (one UPDATE, one SELECT, one INSERT per transaction) on
# its own database of the same server, with as many clients as the runtime has workers.
declare -A tps
if command -v pgbench >/dev/null; then
  psql "$url" -qc "DROP DATABASE IF EXISTS bench_pgbench" -c "CREATE DATABASE bench_pgbench" >/dev/null 2>&1
  pgbench -i -q -s 1 "${url%/*}/bench_pgbench" >/dev/null 2>&1
  echo "pgbench (built-in simple-update, ${pgbench_seconds}s per client count, same server):"
  for w in $worker_counts; do
    tps[$w]="$(pgbench -n -b simple-update -c "$w" -j "$w" -T "$pgbench_seconds" "${url%/*}/bench_pgbench" 2>/dev/null |
      sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1)"
    printf "  %2d clients  %8.0f tps\n" "$w" "${tps[$w]:-0}"
  done
else
  echo "pgbench: not installed (apt-get install postgresql-contrib); no ratio"
fi
header
bulk_net "$pg_jobs"
for n in $nets; do
  for w in $worker_counts; do
    db="bench_${n//-/_}_$w"
    psql "$url" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1
    bench postgres "$n" "${url%/*}/$db" "$w" "${tps[$w]:-}"
  done
done
