#!/usr/bin/env bash
# Runtime throughput: firings per second on SQLite and PostgreSQL, 1 worker and 8 worker
# processes, on the bulk pipeline (Tests/Fixtures/runtime/bulk-pipeline.yaml, untimed, so
# the figure is the cost of a firing: read, bind, lock, write, commit) scaled to JOBS jobs.
#
#   scripts/bench-runtime.sh [BINARY]        # default .build/release/cpn-author
#
# PostgreSQL: uses CPN_TEST_POSTGRES_URL, or starts (and stops) scripts/postgres-for-tests.sh.
# Settings: JOBS (default 1000: 3 firings per job), WORKERS (default 8), BATCHES (firings per
# transaction to compare, default "1 16").
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$(realpath "${1:-.build/release/cpn-author}")"
jobs="${JOBS:-1000}"
workers="${WORKERS:-8}"
batches="${BATCHES:-1 16}"
[ -x "$bin" ] || { echo "bench-runtime: no binary at $bin (make release)" >&2; exit 2; }

work="$(mktemp -d /tmp/cpn-bench-runtime.XXXXXX)"
started_pg=""
cleanup() {
  rm -rf "$work"
  if [ -n "$started_pg" ]; then scripts/postgres-for-tests.sh stop; fi
}
trap cleanup EXIT

# The fixture with JOBS jobs. Verified at its checked-in size by the tests; run unverified here
# (--no-verify), because exploring a thousand jobs is not what this measures.
sed -e "s/^  JOBS: .*/  JOBS: $jobs/" -e "s/initial: [0-9]* }/initial: $jobs }/" \
  Tests/Fixtures/runtime/bulk-pipeline.yaml >"$work/net.yaml"

now() { date +%s.%N; }

# bench LABEL STORE PROCESSES BATCH: prints one line of the table.
bench() {
  local label="$1" store="$2" procs="$3" batch="$4" start end pids=() status=0
  rm -f "$work"/"$label"-*.log
  start="$(now)"
  for i in $(seq 1 "$procs"); do
    (cd "$work" && "$bin" run net.yaml --store "$store" --no-verify --until final --seed "$i" --batch "$batch" >"$work/$label-$i.log" 2>&1) &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || status=1; done
  end="$(now)"
  if [ "$status" != 0 ]; then echo "bench-runtime: a worker failed:" >&2; cat "$work"/"$label"-*.log >&2; exit 1; fi
  local fired
  fired="$(cat "$work"/"$label"-*.log | sed -n 's/^  firings: \([0-9]*\).*/\1/p' | paste -sd+ | bc)"
  awk -v l="$label" -v p="$procs" -v b="$batch" -v f="$fired" -v s="$start" -v e="$end" \
    'BEGIN { t = e - s; printf "  %-10s %8s %6s %8d %9.2f %10.0f\n", l, p, b, f, t, f / t }'
}

echo "runtime throughput: bulk pipeline, $jobs jobs ($((3 * jobs)) firings), $(nproc) cores"
echo "  store       workers  batch  firings   seconds  firings/s"
for b in $batches; do
  bench sqlite "sqlite:$work/one-$b.db" 1 "$b"
  bench sqlite "sqlite:$work/many-$b.db" "$workers" "$b"
done

url="${CPN_TEST_POSTGRES_URL:-}"
if [ -z "$url" ]; then
  # A server of its own (its own directory and port), stopped on exit.
  if ! eval "$(CPN_PG_DIR="$(mktemp -u /tmp/cpn-pg-bench-XXXXXX)" scripts/postgres-for-tests.sh start)"; then
    echo "  postgres    (skipped: no PostgreSQL server; apt-get install postgresql)"; exit 0
  fi
  started_pg=1
  url="$CPN_TEST_POSTGRES_URL"
fi
for b in $batches; do
  for db in bench_one bench_many; do
    psql "$url" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1
  done
  bench postgres "${url%/*}/bench_one" 1 "$b"
  bench postgres "${url%/*}/bench_many" "$workers" "$b"
done
