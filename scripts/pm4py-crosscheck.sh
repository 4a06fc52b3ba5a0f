#!/usr/bin/env bash
# The PM4Py cross-check of `cpn-author conform` (run by `make test`): a virtualenv under
# .build/pm4py-venv with pm4py from PyPI (installed once, then reused), then
# scripts/pm4py-crosscheck.py over Tests/Fixtures/conformance. When pm4py cannot be
# installed (no network to PyPI), this fails loudly: the check is part of the tests,
# not an optional extra. CPN_SKIP_PM4PY=1 skips it on purpose, and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
binary="${1:-.build/debug/cpn-author}"
venv=.build/pm4py-venv
if [ "${CPN_SKIP_PM4PY:-}" = "1" ]; then
  echo "pm4py-crosscheck: SKIPPED because CPN_SKIP_PM4PY=1 (the conformance numbers were not compared with PM4Py)" >&2
  exit 0
fi
[ -x "$binary" ] || { echo "pm4py-crosscheck: $binary is missing; build first (swift build)" >&2; exit 2; }
if ! "$venv/bin/python" -c 'import pm4py' 2>/dev/null; then
  echo "pm4py-crosscheck: installing pm4py into $venv (first run: a few minutes)" >&2
  python3 -m venv "$venv" || { echo "pm4py-crosscheck: FAILED: python3 -m venv did not work (Debian: apt-get install python3-venv)" >&2; exit 2; }
  if ! "$venv/bin/pip" install --quiet --disable-pip-version-check pm4py; then
    echo "pm4py-crosscheck: FAILED: pip could not install pm4py from PyPI; the cross-check with PM4Py did not run." >&2
    echo "pm4py-crosscheck: (offline on purpose? CPN_SKIP_PM4PY=1 skips it and says so)" >&2
    exit 2
  fi
fi
exec timeout 900 "$venv/bin/python" scripts/pm4py-crosscheck.py "$binary" Tests/Fixtures/conformance
