#!/usr/bin/env bash
# The conformance benchmark (`make bench` runs it): `cpn-author conform` on generated
# 1,000,000-event logs, with events/s and peak memory (/usr/bin/time -v).
#   1. XES: Tests/Fixtures/conformance/loop.pnml, 90,910 traces of 11 events (streamed;
#      each trace's marking is dropped at its </trace>).
#   2. JSON Lines: the same net, 1,000 cases interleaved (1,000 open markings to the end).
#   3. JSON Lines, colored: the polite-scraper example net, one shared marking, fetch
#      events with proxies and targets bound from attributes.
# Usage: scripts/bench-conform.sh [path/to/cpn-author] [EVENTS]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/release/cpn-author}
events=${2:-1000000}
[ -x "$bin" ] || { echo "bench-conform: $bin not found; run \`make release\` first" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$work" "$events" <<'PY'
import sys
work, n = sys.argv[1], int(sys.argv[2])
trace = ["start"] + ["work", "redo"] * 4 + ["work", "finish"]
with open(f"{work}/loop.xes", "w") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<log xes.version="1.0">\n')
    k = written = 0
    while written < n:
        k += 1
        f.write(f'<trace><string key="concept:name" value="case{k}"/>\n')
        for a in trace:
            if written == n: break
            f.write(f'<event><string key="concept:name" value="{a}"/><date key="time:timestamp" value="2026-01-01T00:00:00.000+00:00"/></event>\n')
            written += 1
        f.write("</trace>\n")
    f.write("</log>\n")
with open(f"{work}/loop.jsonl", "w") as f:
    cases = 1000
    per = n // cases
    body = ["work", "redo"] * ((per - 3) // 2) + ["work"]
    steps = ["start"] + body + ["finish"]
    for i in range(len(steps)):
        for c in range(cases):
            f.write(f'{{"case": "c{c}", "event": "{steps[i]}", "ts": {i}}}\n')
# Colored: start_fetch then fetch_failed (retry) then start_fetch again ... on one target per
# domain is not enough for a million events, so the log cycles fetch/fail/fetch/ok ... through
# the pipeline with parse/validate/store logged too, and new targets added from outside.
with open(f"{work}/scraper.jsonl", "w") as f:
    written = 0
    jobs = [(1, "shop", 2), (2, "shop", 1), (3, "news", 0)]
    round_ = 0
    while written < n:
        round_ += 1
        for (job, host, prio) in jobs:
            proxy = "p1" if job != 3 else "p2"
            t = f"{{id: {job}, domain: {host}, prio: {prio}, attempt: 0}}"
            for ev, tr in [("start_fetch", "start_fetch"), ("fetch_ok", "fetch_ok"), ("start_parse", "start_parse"),
                           ("end_parse", "end_parse"), ("start_validate", "start_validate"), ("accept", "accept"),
                           ("start_store", "start_store"), ("end_store", "end_store")]:
                if written == n: break
                f.write(f'{{"event": "{ev}", "p": "{proxy}", "t": "{t}"}}\n')
                written += 1
        # Put the targets back, as the runtime's `tokens take` + `tokens add` would.
        for (job, host, prio) in jobs:
            t = f"{{id: {job}, domain: {host}, prio: {prio}, attempt: 0}}"
            f.write(f'{{"kind": "take", "worker": "bench", "consumed": [{{"place": "stored", "token": "{t}"}}], "produced": []}}\n')
            f.write(f'{{"kind": "add", "worker": "bench", "consumed": [], "produced": [{{"place": "targets", "token": "{t}"}}]}}\n')
PY
printf 'conform: 1\nfinal: { e: 1 }\n' > "$work/loop.map.yaml"

run() {
  local label=$1; shift
  /usr/bin/time -v "$bin" conform "$@" --format json --min-fitness 0 -o "$work/out.json" 2> "$work/time.txt" || true
  local rss elapsed fitness eps
  rss=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$work/time.txt")
  elapsed=$(awk '/Elapsed \(wall clock\)/ {print $NF}' "$work/time.txt")
  fitness=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(f\"{r['fitness']:.4f} {r['events']} {r['events_per_second']}\")" "$work/out.json")
  set -- $fitness
  printf '  %-44s %9s events  %8s events/s  fitness %s  wall %s  peak RSS %s MiB\n' "$label" "$2" "$3" "$1" "$elapsed" "$((rss / 1024))"
}
echo "conform: $events-event logs ($(nproc) cores)"
ls -la "$work" | awk 'NR>1 && $NF ~ /\./ {printf "  %-20s %6.1f MiB\n", $NF, $5/1048576}'
run "XES, P/T loop net, 90,910 traces" Tests/Fixtures/conformance/loop.pnml "$work/loop.xes" --map "$work/loop.map.yaml"
run "JSONL, P/T loop net, 1,000 open cases" Tests/Fixtures/conformance/loop.pnml "$work/loop.jsonl" --map "$work/loop.map.yaml"
run "JSONL, polite scraper (colored), shared" examples/polite-scraper/net.yaml "$work/scraper.jsonl"
