"""Drives `cpn-author mcp` with the official MCP Python SDK (a client nobody here wrote).

Run by scripts/mcp-client-check.sh (from `make test`), which installs `mcp` into a virtual
environment under .build/. Every check prints one line; the first failure stops the run
with exit 1. The sampling replies below are scripted (written for this test, not recorded
from a model): a broken net first, then the polite scraper example, so the `draft` tool's
repair round is exercised without a real model.
"""

import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path

import anyio
from mcp import ClientSession, StdioServerParameters, types
from mcp.client.stdio import stdio_client
from mcp.shared.exceptions import MCPError as McpError

BINARY = sys.argv[1]
ROOT = Path(sys.argv[2]).resolve()
EXAMPLE = "examples/polite-scraper/net.yaml"
BUG = "examples/dining-philosophers/bugs/left-then-right.yaml"
GOOD_NET = (ROOT / EXAMPLE).read_text()
BROKEN_NET = "cpn: 1\nname: broken\nplaces:\n  p: { color: Nope }\ntransitions: {}\n"

checks = 0


def ok(condition, what, detail=""):
    global checks
    if not condition:
        print(f"FAIL: {what}" + (f"\n  {detail}" if detail else ""), flush=True)
        # Out at once: inside the SDK's task groups an exception would be wrapped in
        # several tracebacks. The server sees its input close and exits.
        os._exit(1)
    checks += 1
    print(f"ok   {what}", flush=True)


def counters_net(n=8):
    """8 counters over 0..9: 10^8 markings, far more than a test may explore."""
    lines = ["cpn: 1", "name: counters", "colors:", "  C: { int: [0, 9] }", "places:"]
    names = "abcdefgh"[:n]
    lines += [f"  {c}: {{ color: C, initial: [0] }}" for c in names]
    lines.append("transitions:")
    lines += [f'  inc_{c}: {{ in: {{ {c}: x }}, guard: "x < 9", out: {{ {c}: "x + 1" }} }}' for c in names]
    return "\n".join(lines) + "\n"


sampling_requests = []


async def sampling(context, params: types.CreateMessageRequestParams):
    sampling_requests.append(params)
    reply = BROKEN_NET if len(sampling_requests) == 1 else GOOD_NET
    return types.CreateMessageResult(
        role="assistant", model="scripted-test-model",
        content=types.TextContent(type="text", text=f"Here is the net:\n\n```yaml\n{reply}```\n"),
        stop_reason="endTurn")


elicitations = []


async def elicitation(context, params):
    elicitations.append(params)
    return types.ElicitResult(action="accept", content={"max_retries": 3, "eventually": "on every run"})


async def list_roots(context):
    return types.ListRootsResult(roots=[types.Root(uri=ROOT.as_uri(), name="repository")])


def text_of(result):
    return "".join(c.text for c in result.content if getattr(c, "type", "") == "text")


async def call(session, name, arguments, **kwargs):
    return await session.call_tool(name, arguments, **kwargs)


async def main():
    errlog_path = Path(tempfile.mkdtemp()) / "server-stderr.txt"
    with open(errlog_path, "w") as errlog:
        params = StdioServerParameters(command=BINARY, args=["mcp"], cwd=str(ROOT))
        async with stdio_client(params, errlog=errlog) as (read, write):
            async with ClientSession(read, write, sampling_callback=sampling, list_roots_callback=list_roots,
                                     elicitation_callback=elicitation, read_timeout_seconds=300) as session:
                init = await session.initialize()
                ok(init.server_info.name == "cpn-author", "initialize: server is cpn-author", str(init.server_info))
                ok(init.protocol_version == "2025-11-25", f"protocol revision {init.protocol_version}")

                tools = {t.name: t for t in (await session.list_tools()).tools}
                expected = {"check", "verify", "simulate", "replay", "conform", "explain", "graph", "diff", "review", "schema", "draft"}
                ok(expected <= set(tools), "tools/list has every tool", str(sorted(tools)))
                ok(all(t.output_schema is not None for t in tools.values()), "every tool has an outputSchema")

                resources = {str(r.uri) for r in (await session.list_resources()).resources}
                for uri in ["cpn-author://specs/net-format.md", "cpn-author://specs/expressions.md", "cpn-author://diagnostics",
                            "cpn-author://examples/polite-scraper/net.yaml", "cpn-author://examples/polite-scraper/requirements.md"]:
                    ok(uri in resources, f"resources/list has {uri}")
                spec = await session.read_resource("cpn-author://specs/net-format.md")
                ok("places" in spec.contents[0].text, "read the net format spec")
                example = await session.read_resource("cpn-author://examples/polite-scraper/net.yaml")
                ok(example.contents[0].text == GOOD_NET, "an example resource is the example file",
                   repr(example.contents[0].text[:200]))
                try:
                    await session.read_resource("cpn-author://nope")
                    ok(False, "an unknown resource is an error")
                except McpError as e:
                    ok("unknown resource" in str(e), "an unknown resource is a clean error", str(e))

                prompts = {p.name for p in (await session.list_prompts()).prompts}
                ok({"draft", "repair"} <= prompts, "prompts/list has draft and repair")
                prompt = await session.get_prompt("draft", {"requirements": "Two workers share one lock."})
                ok("Two workers share one lock." in prompt.messages[0].content.text, "the draft prompt quotes the requirements")
                repair = await session.get_prompt("repair", {"net": BROKEN_NET, "report": "error[E0201]: unknown color"})
                ok("E0201" in repair.messages[0].content.text, "the repair prompt quotes the report")

                # check
                r = await call(session, "check", {"path": EXAMPLE})
                ok(not r.is_error and r.structured_content["ok"] is True, "check: the example is valid")
                r = await call(session, "check", {"net": BROKEN_NET})
                d = r.structured_content["files"][0]["diagnostics"]
                ok(not r.is_error and r.structured_content["ok"] is False and d and d[0]["line"] == 4,
                   "check: a broken net is a result with diagnostics at their line", json.dumps(d)[:300])

                # verify
                r = await call(session, "verify", {"path": EXAMPLE})
                sc = r.structured_content
                ok(not r.is_error and sc["verdict"] == "pass" and sc["report"]["results"][0]["complete"],
                   "verify: the example passes, complete", sc.get("summary", ""))
                r = await call(session, "verify", {"path": BUG})
                sc = r.structured_content
                violated = [p for p in sc["report"]["results"][0]["properties"] if p["status"] == "violated"]
                trace = violated[0].get("trace") if violated else None
                ok(not r.is_error and sc["verdict"] == "violated" and trace and trace["steps"] and trace["steps"][0]["binding"],
                   "verify: a seeded bug is violated, with the shortest trace and its bindings", sc["summary"])
                ok(sc["exit_code"] == 1, "verify: exit_code 1 for a violation")
                r = await call(session, "verify", {"net": BROKEN_NET})
                sc = r.structured_content
                ok(not r.is_error and sc["verdict"] == "invalid" and sc["diagnostics"][0]["code"].startswith("E"),
                   "verify: an invalid net is a result with diagnostics")

                # progress on a long exploration, bounded by max_seconds
                progress = []

                async def on_progress(done, total, message):
                    progress.append((done, total, message))

                r = await call(session, "verify", {"net": counters_net(), "max_seconds": 5}, progress_callback=on_progress)
                ok(r.structured_content["verdict"] == "bounded", "verify: max_seconds bounds a large net (verdict bounded)",
                   r.structured_content["summary"])
                ok(len(progress) >= 1 and "states" in progress[0][2], f"verify: {len(progress)} progress notifications",
                   str(progress[:2]))

                # simulate, replay, explain, graph, diff, review, schema
                r = await call(session, "simulate", {"path": EXAMPLE, "runs": 20, "steps": 200, "seed": 7})
                ok(not r.is_error and r.structured_content["verdict"] == "pass" and r.structured_content["report"]["runs"] == 20,
                   "simulate: 20 seeded runs of the example")
                r = await call(session, "replay", {"trace": trace, "step": 1, "path": BUG})
                sc = r.structured_content
                ok(not r.is_error and sc["step"] == 1 and sc["fired"]["transition"] == trace["steps"][0]["transition"],
                   "replay: step 1 of the counterexample, checked against its net", text_of(r)[:200])
                r = await call(session, "replay", {"trace": json.dumps(trace), "step": 10_000})
                ok(r.is_error and "between 0 and" in text_of(r), "replay: a step past the end is a tool error", text_of(r))
                r = await call(session, "conform", {"path": EXAMPLE, "log_path": "examples/polite-scraper/conformance/scraper.jsonl",
                                                    "map_path": "examples/polite-scraper/conformance/map.yml"})
                sc = r.structured_content
                ok(not r.is_error and sc["verdict"] == "deviates" and sc["report"]["fitness"] < 1
                   and "domain_limit" in json.dumps(sc["report"]["invariants_violated"]),
                   "conform: the worked scraper log breaks politeness", sc.get("summary", ""))
                r = await call(session, "conform", {"path": EXAMPLE, "log_path": "/etc/passwd"})
                ok(r.is_error and "outside" in text_of(r), "conform: a log outside the roots is refused", text_of(r))
                r = await call(session, "explain", {"code": "E0302"})
                ok(not r.is_error and r.structured_content["codes"][0]["code"] == "E0302", "explain: E0302")
                r = await call(session, "explain", {"code": "E9999"})
                ok(r.is_error, "explain: an unknown code is a tool error", text_of(r))
                r = await call(session, "graph", {"path": EXAMPLE, "trace": None})
                ok(not r.is_error and r.structured_content["graph"].startswith("flowchart"), "graph: a Mermaid flowchart")
                r = await call(session, "diff", {"base_path": "examples/dining-philosophers/net.yaml", "head_path": BUG})
                ok(not r.is_error and len(r.structured_content["changes"]) >= 1, "diff: the seeded bug's changes",
                   r.structured_content["summary"])
                r = await call(session, "review", {"base_path": "examples/dining-philosophers/net.yaml", "head_path": BUG})
                sc = r.structured_content
                ok(not r.is_error and sc["exit_code"] == 1 and sc["review"]["new_failures"] >= 1,
                   "review: the bug is a new failure", sc["summary"])
                r = await call(session, "schema", {})
                ok(not r.is_error and "properties" in r.structured_content["schema"], "schema: the net format's JSON Schema")

                # draft through the client's model: broken reply, repair round, good reply
                out = "mcp-draft-output.yaml"
                (ROOT / ".build").mkdir(exist_ok=True)
                target = ROOT / ".build" / out
                if target.exists():
                    target.unlink()
                r = await call(session, "draft", {"requirements": (ROOT / "examples/polite-scraper/requirements.md").read_text(),
                                                  "output": ".build/" + out})
                sc = r.structured_content
                ok(not r.is_error and sc["verdict"] == "pass" and len(sc["rounds"]) == 2 and not sc["rounds"][0]["passed"],
                   "draft: round 1 fails, round 2 passes", json.dumps(sc.get("rounds")))
                second = sampling_requests[1].messages[-1].content.text
                ok("E0" in second and "round 1" in second, "draft: the repair round quotes the diagnostics to the model",
                   second[:300])
                ok(target.read_text() == GOOD_NET, "draft: the verified net was written where asked, inside the roots")

                # elicitation: requirements that leave the retry count and "eventually" open
                sampling_requests.clear()
                r = await call(session, "draft", {"requirements": "Workers take jobs from a queue. A failed job is retried. "
                                                                  "Every job is eventually done.", "max_rounds": 2})
                sc = r.structured_content
                asked = elicitations[-1].requested_schema["properties"] if elicitations else {}
                ok(set(asked) == {"max_retries", "eventually"}, "draft: the open choices are asked of the user (elicitation)",
                   json.dumps(asked)[:300])
                first = sampling_requests[0].messages[0].content.text if sampling_requests else ""
                ok("Answers from the user" in first and "retried before it is given up? 3" in first and "on every run" in first,
                   "draft: the user's answers reach the model", first[-400:])
                ok([c.get("answer") for c in sc.get("clarifications", [])] == [3, "on every run"], "draft: the answers are in the result")

                # cancellation: a verify that would run for minutes, abandoned after 2 s
                try:
                    await call(session, "verify", {"net": counters_net(), "max_seconds": 600}, read_timeout_seconds=2)
                    ok(False, "a long verify times out on the client")
                except McpError as e:
                    ok(True, f"cancel: the client gave up on a long verify ({e.error.message[:60]})")
                r = await call(session, "check", {"path": EXAMPLE})
                ok(r.structured_content["ok"], "cancel: the server still answers")

                # hostile input: each a clean error, the server alive after
                try:
                    await call(session, "no_such_tool", {})
                    ok(False, "an unknown tool is an error")
                except McpError as e:
                    ok("unknown tool" in str(e), "hostile: an unknown tool is a protocol error", str(e))
                r = await call(session, "verify", {"path": EXAMPLE, "max_states": "lots"})
                ok(r.is_error and "max_states" in text_of(r), "hostile: a wrong type is a tool error naming the argument", text_of(r))
                r = await call(session, "verify", {"path": EXAMPLE, "max_states": 10**12})
                ok(r.is_error and "between" in text_of(r), "hostile: an out-of-range bound is refused", text_of(r))
                r = await call(session, "verify", {"path": EXAMPLE, "bogus": 1})
                ok(r.is_error and "bogus" in text_of(r), "hostile: an unknown argument is refused", text_of(r))
                r = await call(session, "verify", {"net": GOOD_NET, "path": EXAMPLE})
                ok(r.is_error and "not both" in text_of(r), "hostile: net and path at once is refused")
                for outside in ["/etc/passwd", "../../../../etc/passwd", "examples/../../../etc/hostname"]:
                    r = await call(session, "check", {"path": outside})
                    ok(r.is_error and ("outside" in text_of(r) or "no such file" in text_of(r)),
                       f"hostile: {outside} is refused", text_of(r))
                link = ROOT / ".build" / "mcp-link-out"
                if link.is_symlink() or link.exists():
                    link.unlink()
                link.symlink_to("/etc/passwd")
                r = await call(session, "check", {"path": ".build/mcp-link-out"})
                ok(r.is_error and "outside" in text_of(r), "hostile: a link out of the roots is refused", text_of(r))
                r = await call(session, "graph", {"path": EXAMPLE, "output": "/tmp/cpn-mcp-escape.mmd"})
                ok(r.is_error and "outside" in text_of(r) and not Path("/tmp/cpn-mcp-escape.mmd").exists(),
                   "hostile: writing outside the roots is refused", text_of(r))
                link.unlink()
                huge = "cpn: 1\nname: huge\n# " + "x" * (50 * 1024 * 1024) + "\n"
                r = await call(session, "check", {"net": huge})
                codes = [d["code"] for d in r.structured_content["files"][0]["diagnostics"]] if not r.is_error else []
                ok(not r.is_error and r.structured_content["ok"] is False and codes,
                   f"hostile: a 50 MB net is refused with a diagnostic ({codes[:1]})", text_of(r)[:300])
                r = await call(session, "verify", {"net": "{{{{ [[[[ :::: \x00 \ufffe"})
                ok(not r.is_error and r.structured_content["verdict"] == "invalid", "hostile: garbage is an invalid net")
                tools_again = await session.list_tools()
                ok(len(tools_again.tools) == len(tools), "hostile: the server is alive after all of it")

        # A client without sampling is not offered `draft`, and a call to it is refused.
        async with stdio_client(StdioServerParameters(command=BINARY, args=["mcp"], cwd=str(ROOT)), errlog=errlog) as (read, write):
            async with ClientSession(read, write, read_timeout_seconds=300) as plain:
                await plain.initialize()
                names = {t.name for t in (await plain.list_tools()).tools}
                ok("draft" not in names and "verify" in names, "no sampling: no draft tool", str(sorted(names)))
                try:
                    await plain.call_tool("draft", {"requirements": "x"})
                    ok(False, "no sampling: calling draft is an error")
                except McpError as e:
                    ok("unknown tool" in str(e), "no sampling: calling draft is an unknown tool", str(e))
                r = await plain.call_tool("check", {"path": EXAMPLE})
                ok(r.structured_content["ok"], "no roots capability: paths resolve in the working directory")
                r = await plain.call_tool("check", {"path": "/etc/passwd"})
                ok(r.is_error and "working directory" in text_of(r), "no roots capability: outside the working directory is refused",
                   text_of(r))

    log = errlog_path.read_text()
    ok("verify cancelled by the client" in log, "cancel: the server stopped the cancelled exploration", log[-500:])
    print(f"mcp client check: {checks} checks passed")


if __name__ == "__main__":
    anyio.run(main)
