#!/usr/bin/env bash
# Prints a scaled-up copy of an example net, for the benchmark: the same
# transitions, invariants and `final`, with more tokens and larger colors.
#   scripts/gen-scaled-examples.sh scraper TARGETS PROXIES DOMAINS
#       examples/polite-scraper: TARGETS targets (domains round-robin,
#       priorities 2, 1, 0, 2, ...), PROXIES proxies, DOMAINS domains.
#   scripts/gen-scaled-examples.sh pipeline JOBS WORKERS
#       examples/job-pipeline: JOBS jobs, WORKERS workers.
#   scripts/gen-scaled-examples.sh workers N
#       an untimed colored net of 3^N states: N workers, each taking a job from
#       its own queue, working on it and handing the result back, with a join on
#       the worker's number at every step (N = 12: 531,441 states).
set -euo pipefail
cd "$(dirname "$0")/.."
list() { local prefix=$1 n=$2 first=${3:-}; local out=$first
  for ((i = ${4:-1}; i <= n; i++)); do out="${out:+$out, }$prefix$i"; done; echo "$out"; }
case ${1:?usage: gen-scaled-examples.sh scraper|pipeline|workers ...} in
scraper)
  t=${2:?targets}; p=${3:?proxies}; d=${4:?domains}
  domains="shop, news"; [ "$d" -ge 3 ] && domains="shop, news, $(list d "$d" "" 3)"
  [ "$d" -eq 1 ] && domains="shop"
  read -r -a names <<<"${domains//,/}"
  targets=""
  for ((i = 1; i <= t; i++)); do
    targets+="      - \"{id: $i, domain: ${names[$(((i - 1) % d))]}, prio: $((2 - (i - 1) % 3)), attempt: 0}\""$'\n'
  done
  awk -v t="$t" -v p="$p" -v proxies="$(list p "$p")" -v domains="$domains" -v targets="$targets" '
    /^name: polite-scraper$/ { print "name: polite-scraper-" t "-" p; next }
    /^  N_TARGETS: / { print "  N_TARGETS: " t; next }
    /^  N_PROXIES: / { print "  N_PROXIES: " p; next }
    /^  Proxy: / { print "  Proxy:    { enum: [" proxies "] }"; next }
    /^  Domain: / { print "  Domain:   { enum: [" domains "] }"; next }
    /^      - "\{id: / { if (!done) { printf "%s", targets; done = 1 }; next }
    /^    initial: \[p1, p2\]$/ { print "    initial: [" proxies "]"; next }
    /^    initial: \[shop, news\]$/ { print "    initial: [" domains "]"; next }
    { print }' examples/polite-scraper/net.yaml
  ;;
pipeline)
  j=${2:?jobs}; w=${3:?workers}
  awk -v j="$j" -v w="$w" -v jobs="$(seq -s ', ' 1 "$j")" -v workers="$(list w "$w")" '
    /^name: job-pipeline$/ { print "name: job-pipeline-" j "-" w; next }
    /^  N_JOBS: / { print "  N_JOBS: " j; next }
    /^  N_WORKERS: / { print "  N_WORKERS: " w; next }
    /^  Worker: / { print "  Worker: { enum: [" workers "] }"; next }
    /^  backlog: / { sub(/initial: \[1, 2, 3\]/, "initial: [" jobs "]"); print; next }
    /^  idle: / { sub(/initial: \[w1, w2\]/, "initial: [" workers "]"); print; next }
    { print }' examples/job-pipeline/net.yaml
  ;;
workers)
  n=${2:?N}
  cat <<YAML
cpn: 1
name: workers-$n
description: $n workers, each cycling through idle, busy and reporting on its own job.
constants:
  N: $n
colors:
  Worker: { int: [0, $((n - 1))] }
  Job: "(Worker, Bool)"          # a job names its worker; the flag says whether it is done
places:
  idle:      { color: Worker, initial: [$(seq -s ', ' 0 $((n - 1)))] }
  queue:     { color: Job, initial: [$(for ((i = 0; i < n; i++)); do printf '%s"(%d, false)"' "$([ $i -gt 0 ] && echo ', ')" $i; done)] }
  busy:      Job
  reporting: Worker
transitions:
  start:
    in:  { idle: w, queue: "(w, false)" }
    out: { busy: "(w, false)" }
  work:
    in:  { busy: "(w, done)" }
    guard: "!done"
    out: { reporting: w }
  report:
    in:  { reporting: w }
    out: { idle: w, queue: "(w, false)" }
invariants:
  one_job_each:
    expr: "forall w in Worker: count(queue, (x, _d) => x == w) + count(busy, (x, _d) => x == w) + count(reporting, w) == 1"
  workers_conserved:
    expr: "size(idle) + size(busy) + size(reporting) == N"
YAML
  ;;
*) echo "gen-scaled-examples.sh: unknown net $1" >&2; exit 2 ;;
esac
