#!/usr/bin/env bash
# Prints examples/dining-philosophers/net.yaml (the colored net users write:
# one place per role, tokens carry the philosopher or fork number) for N
# philosophers instead of five. Usage: scripts/gen-colored-philosophers.sh N
set -euo pipefail
n=${1:?usage: gen-colored-philosophers.sh N}
cd "$(dirname "$0")/.."
all=$(seq -s ', ' 0 $((n - 1)))
sed -e "s/^name: dining-philosophers$/name: dining-philosophers-$n/" \
    -e "s/^  N: 5$/  N: $n/" \
    -e "s/^description: Five philosophers, five forks,/description: $n philosophers, $n forks,/" \
    -e "s/{ int: \[0, 4\] }/{ int: [0, $((n - 1))] }/" \
    -e "s/initial: \[0, 1, 2, 3, 4\]/initial: [$all]/" \
    examples/dining-philosophers/net.yaml
