#!/usr/bin/env bash
# make demo: the main job on the flagship example, end to end, offline.
#   1. check and verify examples/polite-scraper/net.yaml (exit 0);
#   2. verify one of its seeded bugs: the violated property and its shortest trace;
#   3. replay that trace at one step;
#   4. simulate the net with a fixed seed;
#   5. the LLM drafting loop, replayed offline from a transcript (when present);
#   6. the net and the counterexample as a picture (SVG when Graphviz is installed);
#   7. the net run for real on SQLite, its event log replayed like a trace.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/debug/cpn-author}
[ -x "$bin" ] || { echo "demo: $bin not found; run \`make build\`" >&2; exit 2; }
ex=examples/polite-scraper
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

[ -f "$ex/net.yaml" ] || { echo "demo: $ex/net.yaml is missing" >&2; exit 2; }

say "1. The polite scraper: check, then verify every reachable marking"
run "$bin" check "$ex/net.yaml" || exit 1
run "$bin" verify "$ex/net.yaml" || exit 1

bug=$(ls "$ex"/bugs/*.yaml 2>/dev/null | head -1)
if [ -n "$bug" ]; then
  say "2. A seeded bug: $(sed -n 's/^# bug: //p' "$bug" | head -1)"
  run "$bin" verify "$bug" --trace-out "$work/trace.json"
  status=$?
  [ $status = 1 ] || { echo "demo: expected exit 1 (violated) for $bug, got $status" >&2; exit 1; }
  echo "(exit 1: violated, as its header expects: $(sed -n 's/^# expect: //p' "$bug" | head -1))"

  say "3. Replay the counterexample: the marking after step 2"
  run "$bin" replay "$work/trace.json" --step 2 || exit 1
fi

say "4. Simulate: 3 random runs of 200 steps, seed 7 (the same on every machine)"
run "$bin" simulate "$ex/net.yaml" --seed 7 --runs 3 --steps 200 || exit 1

transcript=$ex/draft-session.jsonl
if [ -f "$transcript" ] && "$bin" help draft >/dev/null 2>&1; then
  say "5. Drafting with an LLM, replayed offline from $transcript"
  echo "(the transcript was written for this demo, not recorded from a real model; see its header)"
  run "$bin" draft "$ex/requirements.md" --replay "$transcript" -o "$work/drafted.yaml" || exit 1
fi

say "6. The net as a picture, the counterexample's transitions in red"
if [ -f "$work/trace.json" ]; then
  run "$bin" graph "$bug" --trace "$work/trace.json" --format mermaid -o "$work/net.mmd" || exit 1
  head -12 "$work/net.mmd"; echo "  ... ($(wc -l <"$work/net.mmd") lines of Mermaid)"
  if command -v dot >/dev/null 2>&1; then
    mkdir -p out
    "$bin" graph "$bug" --trace "$work/trace.json" --format dot -o "$work/net.dot" && dot -Tsvg "$work/net.dot" -o out/polite-scraper-bug.svg \
      && echo "wrote out/polite-scraper-bug.svg"
  else
    echo "(Graphviz not installed: apt-get install graphviz to render the DOT form to SVG)"
  fi
fi

say "7. Run the net for real: every firing one SQLite transaction, timed tokens on the net's clock (10 ms a tick)"
run "$bin" run "$ex/net.yaml" --store "sqlite:$work/scraper.db" --until final --tick 10ms --seed 7 || exit 1
run "$bin" log export --store "sqlite:$work/scraper.db" --as-trace -o "$work/run.json" || exit 1
run "$bin" replay "$work/run.json" --step 3 || exit 1
echo
echo "demo: done"
