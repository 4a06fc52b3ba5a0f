#!/usr/bin/env bash
# Prints the dining philosophers as a 1-safe place/transition net in the YAML
# format: N philosophers, each takes the left fork, then the right, eats and
# puts both back (the classic net with one deadlock: everyone holds a left fork).
# Usage: scripts/gen-philosophers.sh N
set -euo pipefail
n=${1:?usage: gen-philosophers.sh N}
echo "cpn: 1"
echo "name: philosophers-$n"
echo "places:"
for ((i = 0; i < n; i++)); do
  echo "  think$i: { color: Unit, initial: 1 }"
  echo "  fork$i: { color: Unit, initial: 1 }"
  echo "  hasLeft$i: Unit"
  echo "  eat$i: Unit"
done
echo "transitions:"
for ((i = 0; i < n; i++)); do
  j=$(((i + 1) % n))
  echo "  takeLeft$i: { in: { think$i: 1, fork$i: 1 }, out: { hasLeft$i: 1 } }"
  echo "  takeRight$i: { in: { hasLeft$i: 1, fork$j: 1 }, out: { eat$i: 1 } }"
  echo "  release$i: { in: { eat$i: 1 }, out: { think$i: 1, fork$i: 1, fork$j: 1 } }"
done
