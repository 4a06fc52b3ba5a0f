#!/bin/sh
# Regenerates the goldens of the invalid-input corpus: for every
# Tests/Fixtures/invalid/NAME.yaml, NAME.expected becomes the exact output of
#
#     cpn-author check Tests/Fixtures/invalid/NAME.yaml --color never [ARGS]
#
# run from the repository root: stdout first, then stderr (`check` writes its
# report to stdout; stderr only ever holds argument errors or a crash).
#
# An optional sidecar NAME.args holds `key: value` lines:
#     args: --deny-warnings     extra arguments, split on spaces
#     exit: 0                   the expected exit status (2 when absent)
# InvalidFixtureTests (Tests/CLITests) reads the same files.
#
# Then the PNML goldens: Tests/Fixtures/pnml/NAME.pnml gives NAME.expected, the
# output of `cpn-author check NAME.pnml --color never` (PNMLFixtureTests).
#
# It then regenerates the report goldens listed in Tests/Fixtures/reports/goldens.txt
# (`GOLDEN EXIT ARGUMENTS...` per line: `cpn-author ARGUMENTS` run in that directory,
# stdout into GOLDEN, stderr into GOLDEN.stderr when there is any, so a SARIF or
# JSON golden stays a valid document), after writing the trace they draw on,
# failing.trace.json, with `verify failing.yaml --trace-out`. ReportFormatTests reads
# the same list.
#
# Usage: scripts/update-goldens.sh [path/to/cpn-author]   (default .build/debug/cpn-author)
# Review every changed golden by eye before committing it (git diff).
set -eu
cd "$(dirname "$0")/.."
binary=${1:-.build/debug/cpn-author}
if [ ! -x "$binary" ]; then
    echo "update-goldens: no executable at $binary (build first, or pass the binary's path)" >&2
    exit 2
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mismatched=0
count=0
for fixture in Tests/Fixtures/invalid/*.yaml; do
    name=${fixture%.yaml}
    extra=""
    expected_status=2
    if [ -f "$name.args" ]; then
        extra=$(sed -n 's/^args:[[:space:]]*//p' "$name.args")
        status_line=$(sed -n 's/^exit:[[:space:]]*//p' "$name.args")
        [ -n "$status_line" ] && expected_status=$status_line
    fi
    status=0
    # $extra is split on spaces on purpose: it holds several arguments.
    # shellcheck disable=SC2086
    NO_COLOR=1 "$binary" check "$fixture" --color never $extra >"$scratch/out" 2>"$scratch/err" || status=$?
    cat "$scratch/out" "$scratch/err" >"$name.expected"
    count=$((count + 1))
    if [ "$status" -ne "$expected_status" ]; then
        echo "update-goldens: $fixture exited $status, expected $expected_status" >&2
        mismatched=$((mismatched + 1))
    fi
done
echo "update-goldens: wrote $count goldens"

# PNML the importer refuses (PNMLFixtureTests): `check NAME.pnml`, always exit 2.
pnml_count=0
for fixture in Tests/Fixtures/pnml/*.pnml; do
    status=0
    NO_COLOR=1 "$binary" check "$fixture" --color never >"$scratch/out" 2>"$scratch/err" || status=$?
    cat "$scratch/out" "$scratch/err" >"${fixture%.pnml}.expected"
    pnml_count=$((pnml_count + 1))
    if [ "$status" -ne 2 ]; then
        echo "update-goldens: $fixture exited $status, expected 2" >&2
        mismatched=$((mismatched + 1))
    fi
done
echo "update-goldens: wrote $pnml_count PNML goldens"

# Report goldens (verify/check/graph in every format).
reports=Tests/Fixtures/reports
absolute_binary=$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")
(cd "$reports" && NO_COLOR=1 "$absolute_binary" verify failing.yaml --trace-out failing.trace.json >/dev/null) || true
report_count=0
while read -r golden status arguments; do
    case "$golden" in ''|'#'*) continue ;; esac
    actual=0
    # $arguments is split on spaces on purpose: it holds several arguments.
    # shellcheck disable=SC2086
    (cd "$reports" && NO_COLOR=1 "$absolute_binary" $arguments >"$scratch/out" 2>"$scratch/err") || actual=$?
    cp "$scratch/out" "$reports/$golden"
    if [ -s "$scratch/err" ]; then cp "$scratch/err" "$reports/$golden.stderr"; else rm -f "$reports/$golden.stderr"; fi
    report_count=$((report_count + 1))
    if [ "$actual" -ne "$status" ]; then
        echo "update-goldens: $reports/$golden: cpn-author $arguments exited $actual, expected $status" >&2
        mismatched=$((mismatched + 1))
    fi
done <"$reports/goldens.txt"
echo "update-goldens: wrote $report_count report goldens"

# Partition goldens (`cpn-author partition`, run from the repository root; PartitionTests).
partitions=Tests/Fixtures/runtime/partition
partition_count=0
while read -r golden status arguments; do
    case "$golden" in ''|'#'*) continue ;; esac
    actual=0
    # shellcheck disable=SC2086
    NO_COLOR=1 "$binary" $arguments >"$scratch/out" 2>"$scratch/err" || actual=$?
    cp "$scratch/out" "$partitions/$golden"
    if [ -s "$scratch/err" ]; then cp "$scratch/err" "$partitions/$golden.stderr"; else rm -f "$partitions/$golden.stderr"; fi
    partition_count=$((partition_count + 1))
    if [ "$actual" -ne "$status" ]; then
        echo "update-goldens: $partitions/$golden: cpn-author $arguments exited $actual, expected $status" >&2
        mismatched=$((mismatched + 1))
    fi
done <"$partitions/goldens.txt"
echo "update-goldens: wrote $partition_count partition goldens"
if [ "$mismatched" -ne 0 ]; then
    echo "update-goldens: $mismatched fixture(s) exited with an unexpected status" >&2
    exit 1
fi
