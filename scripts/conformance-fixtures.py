#!/usr/bin/env python3
"""Writes the PM4Py cross-check set: Tests/Fixtures/conformance/<name>.pnml, .xes and
.map.yaml for a dozen small P/T nets and logs (fitting and deviating traces).

The nets and traces are written here by hand for the check, not recorded from a
system. Run it again after changing a case; scripts/pm4py-crosscheck.py replays
every pair with PM4Py and with `cpn-author conform` and compares the fitness.
"""
import os
import sys
from xml.sax.saxutils import quoteattr

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "conformance")

# name: (places with initial tokens, final marking, transitions {id: (label or None, inputs, outputs)}, traces)
# inputs/outputs: {place: weight}. A label None is a silent (invisible) transition.
CASES = {
    "sequence": (
        {"p0": 1}, {"p3": 1},
        {"a": ("a", {"p0": 1}, {"p1": 1}), "b": ("b", {"p1": 1}, {"p2": 1}), "c": ("c", {"p2": 1}, {"p3": 1})},
        [["a", "b", "c"], ["a", "c"], ["b", "a", "c"], ["a", "b", "c", "c"], ["a", "b"], []],
    ),
    "choice": (
        {"p0": 1}, {"p2": 1},
        {"a": ("a", {"p0": 1}, {"p1": 1}), "b": ("b", {"p0": 1}, {"p1": 1}), "c": ("c", {"p1": 1}, {"p2": 1})},
        [["a", "c"], ["b", "c"], ["a", "b", "c"], ["c"], ["a", "a", "c", "c"]],
    ),
    "parallel": (
        {"i": 1}, {"o": 1},
        {"split": ("split", {"i": 1}, {"p1": 1, "p2": 1}), "x": ("x", {"p1": 1}, {"p3": 1}), "y": ("y", {"p2": 1}, {"p4": 1}),
         "join": ("join", {"p3": 1, "p4": 1}, {"o": 1})},
        [["split", "x", "y", "join"], ["split", "y", "x", "join"], ["split", "x", "join"], ["x", "y", "join"], ["split", "join"]],
    ),
    "loop": (
        {"s": 1}, {"e": 1},
        {"start": ("start", {"s": 1}, {"p": 1}), "work": ("work", {"p": 1}, {"q": 1}), "redo": ("redo", {"q": 1}, {"p": 1}),
         "finish": ("finish", {"q": 1}, {"e": 1})},
        [["start", "work", "finish"], ["start", "work", "redo", "work", "redo", "work", "finish"], ["start", "redo", "finish"],
         ["start", "work", "work", "finish"], ["finish"]],
    ),
    "skip": (
        {"p0": 1}, {"p3": 1},
        {"a": ("a", {"p0": 1}, {"p1": 1}), "b": ("b", {"p1": 1}, {"p2": 1}), "tau_skip": (None, {"p1": 1}, {"p2": 1}),
         "c": ("c", {"p2": 1}, {"p3": 1})},
        [["a", "b", "c"], ["a", "c"], ["c"], ["a", "b", "b", "c"]],
    ),
    "weights": (
        {"p0": 1}, {"done": 1},
        {"fork2": ("fork2", {"p0": 1}, {"p1": 2}), "take": ("take", {"p1": 1}, {"p2": 1}), "merge2": ("merge2", {"p2": 2}, {"done": 1})},
        [["fork2", "take", "take", "merge2"], ["fork2", "take", "take", "take", "merge2"], ["merge2"], ["take", "take", "fork2", "merge2"]],
    ),
    # A known difference (specs/conformance.md §3.1): when a place holds some but not enough
    # tokens for an arc's weight, PM4Py adds the arc's whole weight (and counts only the lack as
    # missing), so its remaining count is higher; cpn-author adds only what lacks.
    "weights_partial": (
        {"p0": 1}, {"done": 1},
        {"fork2": ("fork2", {"p0": 1}, {"p1": 2}), "take": ("take", {"p1": 1}, {"p2": 1}), "merge2": ("merge2", {"p2": 2}, {"done": 1})},
        [["fork2", "take", "merge2"], ["fork2", "take", "take", "merge2"]],
    ),
    "resources": (
        {"idle": 2, "jobs": 3}, {"idle": 2, "done": 3},
        {"begin": ("begin", {"idle": 1, "jobs": 1}, {"busy": 1}), "end": ("end", {"busy": 1}, {"idle": 1, "done": 1})},
        [["begin", "end", "begin", "end", "begin", "end"], ["begin", "begin", "end", "begin", "end", "end"],
         ["begin", "begin", "begin", "end", "end", "end"], ["begin", "end", "begin", "end"], ["end", "begin"]],
    ),
    "unknown_activity": (
        {"p0": 1}, {"p2": 1},
        {"a": ("a", {"p0": 1}, {"p1": 1}), "b": ("b", {"p1": 1}, {"p2": 1})},
        [["a", "zzz", "b"], ["zzz"], ["a", "b", "zzz"]],
    ),
    "tau_loop": (
        {"s": 1}, {"e": 1},
        {"a": ("a", {"s": 1}, {"p": 1}), "b": ("b", {"p": 1}, {"q": 1}), "tau_back": (None, {"q": 1}, {"p": 1}),
         "c": ("c", {"q": 1}, {"e": 1})},
        [["a", "b", "c"], ["a", "b", "b", "c"], ["a", "b", "b", "b", "c"], ["a", "c"], ["b", "c"]],
    ),
    "tau_end": (
        {"s": 1}, {"e": 1},
        {"a": ("a", {"s": 1}, {"p": 1}), "b": ("b", {"p": 1}, {"q": 1}), "tau_done": (None, {"q": 1}, {"e": 1})},
        [["a", "b"], ["a"], ["a", "b", "b"], []],
    ),
    "source_sink": (
        {"p": 1}, {},
        {"gen": ("gen", {}, {"p": 1}), "eat": ("eat", {"p": 1}, {})},
        [["eat"], ["gen", "eat", "eat"], ["eat", "eat"], ["gen", "gen"]],
    ),
    "tau_split": (
        {"i": 1}, {"o": 1},
        {"t_in": (None, {"i": 1}, {"a1": 1, "b1": 1}), "A": ("A", {"a1": 1}, {"a2": 1}), "B": ("B", {"b1": 1}, {"b2": 1}),
         "t_out": (None, {"a2": 1, "b2": 1}, {"o": 1})},
        [["A", "B"], ["B", "A"], ["A"], ["A", "A", "B"]],
    ),
}


def places_of(initial, final, transitions):
    names = list(initial) + [p for p in final if p not in initial]
    for _, (_, ins, outs) in transitions.items():
        for p in list(ins) + list(outs):
            if p not in names:
                names.append(p)
    return names


def pnml(name, initial, final, transitions):
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<pnml>",
             f'  <net id="{name}" type="http://www.pnml.org/version-2009/grammar/ptnet">', f"    <name><text>{name}</text></name>",
             '    <page id="page1">']
    for p in places_of(initial, final, transitions):
        lines.append(f'      <place id="{p}"><name><text>{p}</text></name>'
                     + (f"<initialMarking><text>{initial[p]}</text></initialMarking>" if initial.get(p) else "") + "</place>")
    for t, (label, _, _) in transitions.items():
        if label is None:
            lines.append(f'      <transition id="{t}"><name><text>{t}</text></name>'
                         f'<toolspecific tool="ProM" version="6.4" activity="$invisible$" localNodeID="{t}"/></transition>')
        else:
            lines.append(f'      <transition id="{t}"><name><text>{label}</text></name></transition>')
    k = 0
    for t, (_, ins, outs) in transitions.items():
        for p, w in ins.items():
            k += 1
            lines.append(f'      <arc id="arc{k}" source="{p}" target="{t}">' + (f"<inscription><text>{w}</text></inscription>" if w != 1 else "") + "</arc>")
        for p, w in outs.items():
            k += 1
            lines.append(f'      <arc id="arc{k}" source="{t}" target="{p}">' + (f"<inscription><text>{w}</text></inscription>" if w != 1 else "") + "</arc>")
    lines.append("    </page>")
    lines.append("    <finalmarkings><marking>")
    for p, n in final.items():
        lines.append(f'      <place idref="{p}"><text>{n}</text></place>')
    lines.append("    </marking></finalmarkings>")
    lines += ["  </net>", "</pnml>", ""]
    return "\n".join(lines)


def xes(traces):
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<log xes.version="1.0" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">',
             '  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>',
             '  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>']
    minute = 0
    for i, trace in enumerate(traces):
        lines.append("  <trace>")
        lines.append(f'    <string key="concept:name" value="case{i + 1}"/>')
        for activity in trace:
            minute += 1
            lines.append("    <event>")
            lines.append(f"      <string key=\"concept:name\" value={quoteattr(activity)}/>")
            lines.append(f'      <date key="time:timestamp" value="2026-01-01T{minute // 60:02d}:{minute % 60:02d}:00.000+00:00"/>')
            lines.append("    </event>")
        lines.append("  </trace>")
    lines += ["</log>", ""]
    return "\n".join(lines)


def mapping(name, final, transitions):
    lines = [f"# The mapping of {name}.xes onto {name}.pnml (written by scripts/conformance-fixtures.py).", "conform: 1"]
    silent = [t for t, (label, _, _) in transitions.items() if label is None]
    if silent:
        lines.append("silent: [" + ", ".join(silent) + "]")
    # PM4Py ignores activities the net does not know, without counting tokens.
    lines.append("unmapped: deviation")
    lines.append("final: {" + ", ".join(f"{p}: {n}" for p, n in final.items()) + "}")
    return "\n".join(lines) + "\n"


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, (initial, final, transitions, traces) in CASES.items():
        with open(os.path.join(OUT, name + ".pnml"), "w") as f:
            f.write(pnml(name, initial, final, transitions))
        with open(os.path.join(OUT, name + ".xes"), "w") as f:
            f.write(xes(traces))
        with open(os.path.join(OUT, name + ".map.yaml"), "w") as f:
            f.write(mapping(name, final, transitions))
    print(f"wrote {len(CASES)} net/log pairs to {os.path.relpath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
