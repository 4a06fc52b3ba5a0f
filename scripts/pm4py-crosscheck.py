#!/usr/bin/env python3
"""Cross-checks `cpn-author conform` against PM4Py's token-based replay.

For every Tests/Fixtures/conformance/<name>.pnml with its .xes log and .map.yaml,
replays the log with PM4Py (pm4py.algo.conformance.tokenreplay, default parameters:
hidden transitions walked through, the final marking reached through them when
possible) and with `cpn-author conform --format json`, and compares per trace the
missing, consumed, remaining and produced tokens and the fitness, and the log's
fitness. Exits 1 on any difference, printing each one.

usage: pm4py-crosscheck.py CPN_AUTHOR_BINARY FIXTURE_DIR
"""
import glob
import json
import os
import subprocess
import sys

import pm4py
from pm4py.algo.conformance.tokenreplay import algorithm as token_replay
from pm4py.algo.evaluation.replay_fitness.variants import token_replay as replay_fitness

EPS = 1e-9

# Pairs where cpn-author and PM4Py differ by design (specs/conformance.md §3.1), and how:
# the check then requires exactly that difference and nothing else.
KNOWN = {
    "weights_partial": "PM4Py adds an arc's whole weight to a place that holds some but too few tokens, "
                       "so only its remaining count is higher",
}


def ours(binary, net, log, mapping):
    run = subprocess.run([binary, "conform", net, log, "--map", mapping, "--format", "json", "--no-timing", "--min-fitness", "0"],
                         capture_output=True, text=True, timeout=300)
    if run.returncode not in (0, 1):
        raise SystemExit(f"cpn-author conform failed on {net} ({run.returncode}):\n{run.stderr}")
    return json.loads(run.stdout)


def main():
    binary, fixtures = sys.argv[1], sys.argv[2]
    nets = sorted(glob.glob(os.path.join(fixtures, "*.pnml")))
    if len(nets) < 10:
        raise SystemExit(f"pm4py-crosscheck: only {len(nets)} nets in {fixtures}; the check needs at least 10")
    failures = 0
    traces = 0
    for net_path in nets:
        stem = net_path[: -len(".pnml")]
        name = os.path.basename(stem)
        net, im, fm = pm4py.read_pnml(net_path)
        log = pm4py.read_xes(stem + ".xes", return_legacy_log_object=True)
        replayed = token_replay.apply(log, net, im, fm)
        theirs_log = replay_fitness.evaluate(replayed)["log_fitness"]
        result = ours(binary, net_path, stem + ".xes", stem + ".map.yaml")
        mine = result["per_case"]
        known_seen = False
        problems = []
        known = KNOWN.get(name)
        if len(mine) != len(replayed):
            problems.append(f"{len(replayed)} traces in PM4Py, {len(mine)} cases in cpn-author")
        for k, (theirs, case) in enumerate(zip(replayed, mine)):
            want = (theirs["missing_tokens"], theirs["consumed_tokens"], theirs["remaining_tokens"], theirs["produced_tokens"])
            t = case["tokens"]
            got = (t["missing"], t["consumed"], t["remaining"], t["produced"])
            if known and want != got:
                if want[0] == got[0] and want[1] == got[1] and want[3] == got[3] and want[2] > got[2]:
                    known_seen = True
                    traces += 1
                    continue
            if want != got or abs(theirs["trace_fitness"] - case["fitness"]) > EPS:
                problems.append(f"trace {k + 1} ({case['case']}): PM4Py m/c/r/p {want} fitness {theirs['trace_fitness']:.6f}, "
                                f"cpn-author {got} fitness {case['fitness']:.6f}")
            traces += 1
        if known:
            if problems or not known_seen:
                failures += 1
                print(f"pm4py-crosscheck: {name}: the known difference ({known}) is not what was found")
                for p in problems:
                    print("    " + p)
            else:
                print(f"pm4py-crosscheck: {name}: differs as documented: {known} "
                      f"(log fitness PM4Py {theirs_log:.6f}, cpn-author {result['fitness']:.6f})")
            continue
        if abs(theirs_log - result["fitness"]) > EPS:
            problems.append(f"log fitness: PM4Py {theirs_log:.6f}, cpn-author {result['fitness']:.6f}")
        deviating = sum(1 for c in mine if c["fitness"] < 1)
        if problems:
            failures += 1
            print(f"pm4py-crosscheck: {name}: DIFFERS")
            for p in problems:
                print("    " + p)
        else:
            print(f"pm4py-crosscheck: {name}: log fitness {theirs_log:.6f} in both; {len(mine)} traces agree ({deviating} deviating)")
    agree = len(nets) - failures - len(KNOWN)
    print(f"pm4py-crosscheck: {agree} of {len(nets) - len(KNOWN)} net/log pairs agree with PM4Py {pm4py.__version__} exactly, "
          f"{len(KNOWN)} differ as documented ({traces} traces)")
    if agree < 10:
        print("pm4py-crosscheck: fewer than 10 pairs agree")
        failures += 1
    print(f"{len(nets) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
