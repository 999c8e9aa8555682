"""Robustness sweep: every tool, called with arguments generated from its own input schema and with
malformed ones, answers with a schema-valid result or an explained error, and the server survives.

The server runs as agents run it (``python -m durable_mcp --allow-write`` over stdio) in a scratch
folder, with AWS pointed at a closed port. The client cannot answer elicitations, so no write is ever
confirmed; the test checks that nothing appeared next to the scratch folder or inside it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.robustness.schema_strategies import (
    from_schema,
    malformed_arguments,
    nest,
    unknown_tool_names,
)
from tests.robustness.stdio_server import Call, ServerUnderTest, running_server

MIN_CALLS = 2_000
GENERATED_PER_TOOL = 95
MALFORMED_PER_TOOL = 45
UNKNOWN_TOOL_CALLS = 60
# Each call of this tool runs a handful of CLIs (aws, node, sam, cdk) for seconds; a few suffice.
SLOW_TOOLS = {"check_durable_prerequisites": 3}
CALL_TIMEOUT = 30.0
STORE_FILES = {"store.sqlite3", "store.sqlite3-wal", "store.sqlite3-shm", "store.sqlite3-journal"}


def sweep(server: ServerUnderTest, calls: st.SearchStrategy[Call], examples: int) -> None:
    """Send ``examples`` calls drawn from ``calls``; the server's answers are judged and recorded."""

    @settings(max_examples=examples, derandomize=True, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(calls)
    def send(call: Call) -> None:
        server.call(call)

    send()


def files_under(root: Path, skip: Path) -> dict[str, float]:
    return {str(p.relative_to(root)): p.stat().st_mtime for p in root.rglob("*")
            if skip != p and skip not in p.parents}


def crash_logs(stderr: Path) -> str:
    lines = stderr.read_text(errors="replace").splitlines()
    starts = [i for i, line in enumerate(lines) if "tool crashed" in line or "Traceback" in line]
    return "\n".join(lines[starts[0]:starts[0] + 80]) if starts else "(no traceback on the server's stderr)"


def as_call(tool: str, kind: str) -> Callable[[Any], Call]:
    return lambda arguments: Call(tool, kind, arguments)


@pytest.mark.slow
def test_every_tool_survives_generated_and_malformed_calls(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    workdir = outside / "work"
    workdir.mkdir(parents=True)
    (outside / "neighbour.txt").write_text("must stay untouched\n")
    before = files_under(outside, skip=workdir)
    stderr = tmp_path / "server-stderr.log"
    started = time.monotonic()

    with stderr.open("w") as errlog, running_server(workdir, errlog, timeout=CALL_TIMEOUT) as server:
        tools = server.sweep.tools
        for name, tool in sorted(tools.items()):
            generated = SLOW_TOOLS.get(name, GENERATED_PER_TOOL)
            malformed = SLOW_TOOLS.get(name, MALFORMED_PER_TOOL)
            sweep(server, from_schema(tool.input_schema).map(as_call(name, "generated")), generated)
            sweep(server, malformed_arguments(tool.input_schema).map(lambda case, n=name: Call(n, *case)), malformed)
        sweep(server, unknown_tool_names(set(tools)).map(lambda n: Call(n, "unknown tool", {})), UNKNOWN_TOOL_CALLS)
        # Deeper than the transport can parse (yet shallow enough for the client to encode): the SDK drops
        # the request without an answer, having no id to address an error to; the server must carry on.
        too_deep = Call("get_durable_guidance", "nested beyond the transport's limit",
                        {"topic": "saga", "junk": nest(230)})
        server.call(too_deep, timeout=3.0, may_go_unanswered=True)
        final = server.list_tools()

    result = server.sweep
    replay = tmp_path / "failures.json"
    replay.write_text(json.dumps([{"tool": c.tool, "kind": c.kind, "arguments": c.arguments, "why": why}
                                  for c, why in result.failures], indent=1))
    print(f"\n{result.report()}\nsweep took {time.monotonic() - started:.1f}s; failing calls in {replay}")
    assert {tool.name for tool in final} == set(tools), "the server did not answer tools/list after the sweep"
    assert not result.failures, f"{result.report()}\n\nserver stderr:\n{crash_logs(stderr)}"
    assert result.calls >= MIN_CALLS
    assert files_under(outside, skip=workdir) == before, "something was written next to the server's folder"
    assert {p.name for p in workdir.iterdir()} <= STORE_FILES, "an unconfirmed call wrote into the server's folder"
