"""Robustness sweep: every tool, called with arguments generated from its own input schema and with
malformed ones, answers with a schema-valid result or an explained error, and the server survives.

The server runs as agents run it (``python -m durable_mcp --allow-write`` over stdio) in a scratch
folder holding two small handlers, with AWS pointed at a closed port. The client cannot answer
elicitations, so no write is ever confirmed; each test checks that nothing appeared next to the scratch
folder or inside it. Three sweeps: one call at a time over every tool (generated, malformed, unknown
names), a concurrent burst, and the payload-revealing tools with --allow-sensitive-data-access.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.robustness.schema_strategies import (
    PYTHON_HANDLER,
    TEMPLATE,
    TS_HANDLER,
    UNPARSEABLE_DEPTH,
    from_schema,
    malformed_arguments,
    nest,
    unknown_tool_names,
)
from tests.robustness.stdio_server import Call, ServerUnderTest, Sweep, running_server

MIN_CALLS = 2_000
GENERATED_PER_TOOL = 95
MALFORMED_PER_TOOL = 45
UNKNOWN_TOOL_CALLS = 60
# Each call of this tool runs a handful of CLIs (aws, node, sam, cdk) for seconds; a few suffice.
SLOW_TOOLS = {"check_durable_prerequisites": 3}
CALL_TIMEOUT = 30.0

DRY_RUN = "run_durable_function_locally"
DETERMINISM_CHECK = "check_replay_determinism"
CONCURRENT_SEED_RUNS = 20
CONCURRENT_CALLS = 500
CONCURRENCY = 8

SENSITIVE_PER_TOOL = 50
# In this order: the dry runs create the executions the readers then show.
SENSITIVE_TOOLS = (DRY_RUN, "send_durable_callback", "get_durable_execution", "get_durable_execution_history",
                   "diagnose_durable_execution", "get_durable_execution_logs")

WORKSPACE = Path(__file__).parent / "workspace"
HANDLERS = ("handlers/order.py:handler", "handlers/quick.py:handler", "handlers/order.py:missing", "handlers/none.py:h")
STORE_FILES = {"store.sqlite3", "store.sqlite3-wal", "store.sqlite3-shm", "store.sqlite3-journal"}


def drawn(calls: st.SearchStrategy[Call], examples: int) -> list[Call]:
    """``examples`` calls from ``calls``, the same ones on every run (derandomized, no example database)."""
    found: list[Call] = []

    @settings(max_examples=examples, derandomize=True, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(calls)
    def collect(call: Call) -> None:
        found.append(call)

    collect()
    return found


def sweep(server: ServerUnderTest, calls: st.SearchStrategy[Call], examples: int) -> None:
    """Send ``examples`` calls drawn from ``calls`` one after the other; each answer is judged and recorded."""
    for call in drawn(calls, examples):
        server.call(call)


def files_under(root: Path, skip: Path) -> dict[str, float]:
    return {str(p.relative_to(root)): p.stat().st_mtime for p in root.rglob("*")
            if skip != p and skip not in p.parents}


def crash_logs(stderr: Path) -> str:
    lines = stderr.read_text(errors="replace").splitlines()
    starts = [i for i, line in enumerate(lines) if "tool crashed" in line or "Traceback" in line]
    return "\n".join(lines[starts[0]:starts[0] + 80]) if starts else "(no traceback on the server's stderr)"


def as_call(tool: str, kind: str) -> Callable[[Any], Call]:
    return lambda arguments: Call(tool, kind, arguments)


def hints(found: Sweep) -> dict[str, st.SearchStrategy[Any]]:
    """Values that get generated calls past the first checks: the workspace's handlers and files, and
    the executions and callbacks earlier calls created."""
    events = from_schema(True) | st.fixed_dictionaries({"items": st.lists(st.fixed_dictionaries(
        {"price": st.integers() | st.floats(allow_nan=False) | st.text(max_size=3)}), max_size=3)})
    offered: dict[str, st.SearchStrategy[Any]] = {
        "handler": st.sampled_from(HANDLERS),
        "input": events,
        "payload": events,
        "language": st.sampled_from(("python", "typescript", "javascript", "cloudformation", "sam", "PYTHON ")),
        "paths": st.lists(st.sampled_from((".", "handlers", "handlers/order.py", "handlers/quick.py")), max_size=3),
        "source": st.sampled_from((PYTHON_HANDLER, TS_HANDLER, TEMPLATE)),
        # Few names, so runs reuse them (idempotent starts, conflicts with a different input).
        "execution_name": st.sampled_from(("run-1", "run-2", "order_42")),
    }
    if found.execution_arns:
        arns = sorted(found.execution_arns)
        offered["execution_arn"] = st.sampled_from(arns)
        offered["function"] = st.sampled_from(sorted({arn.split(":")[6] for arn in arns}))
    if found.callback_ids:
        offered["callback_id"] = st.sampled_from(sorted(found.callback_ids))
    return offered


def generated(server: ServerUnderTest, name: str) -> st.SearchStrategy[Call]:
    """Calls to ``name`` with arguments from its input schema, helped by :func:`hints`; not for the
    determinism check, which replays a real handler dozens of times (seconds per call)."""
    offered = {} if name == DETERMINISM_CHECK else hints(server.sweep)
    return from_schema(server.sweep.tools[name].input_schema, offered).map(as_call(name, "generated"))


def order_of_sweep(tools: dict[str, Any]) -> list[str]:
    """Dry runs first, so that the execution and callback tools then meet real executions."""
    return sorted(tools, key=lambda name: (name != DRY_RUN, name))


@contextmanager
def sandboxed_server(tmp_path: Path, flags: tuple[str, ...] = ()) -> Iterator[ServerUnderTest]:
    """The server in ``tmp_path/outside/work`` (a copy of the workspace); afterwards it must still answer
    tools/list, every call must have passed, and nothing may have been written but the store."""
    outside = tmp_path / "outside"
    workdir = outside / "work"
    shutil.copytree(WORKSPACE, workdir)
    (outside / "neighbour.txt").write_text("must stay untouched\n")
    before = files_under(outside, skip=workdir)
    workspace_before = files_under(workdir, skip=workdir / "store.sqlite3")
    stderr = tmp_path / "server-stderr.log"
    started = time.monotonic()

    with stderr.open("w") as errlog, running_server(workdir, errlog, timeout=CALL_TIMEOUT, flags=flags) as server:
        yield server
        final = server.list_tools()

    result = server.sweep
    replay = tmp_path / "failures.json"
    replay.write_text(json.dumps([{"tool": c.tool, "kind": c.kind, "arguments": c.arguments, "why": why}
                                  for c, why in result.failures], indent=1))
    print(f"\n{result.report()}\nsweep took {time.monotonic() - started:.1f}s; failing calls in {replay}")
    assert {tool.name for tool in final} == set(result.tools), "the server did not answer tools/list after the sweep"
    assert not result.failures, f"{result.report()}\n\nserver stderr:\n{crash_logs(stderr)}"
    assert files_under(outside, skip=workdir) == before, "something was written next to the server's folder"
    workspace_after = files_under(workdir, skip=workdir / "store.sqlite3")
    written = set(workspace_after) - set(workspace_before)
    assert written <= STORE_FILES, f"unconfirmed calls wrote into the server's folder: {sorted(written)}"
    assert {p: workspace_after.get(p) for p in workspace_before} == workspace_before, "a workspace file changed"
    assert result.execution_arns, "no dry run succeeded, so the execution tools met no real execution"


@pytest.mark.slow
def test_every_tool_survives_generated_and_malformed_calls(tmp_path: Path) -> None:
    with sandboxed_server(tmp_path) as server:
        tools = server.sweep.tools
        for name in order_of_sweep(tools):
            tool = tools[name]
            examples = SLOW_TOOLS.get(name, GENERATED_PER_TOOL)
            malformed = SLOW_TOOLS.get(name, MALFORMED_PER_TOOL)
            sweep(server, generated(server, name), examples)
            sweep(server, malformed_arguments(tool.input_schema).map(lambda case, n=name: Call(n, *case)), malformed)
        for handler in HANDLERS[:2]:  # the real handlers the generated determinism checks never get
            server.call(Call(DETERMINISM_CHECK, "real handler", {"handler": handler, "input": {"items": []}}))
        sweep(server, unknown_tool_names(set(tools)).map(lambda n: Call(n, "unknown tool", {})), UNKNOWN_TOOL_CALLS)
        # Deeper than the transport can parse (yet shallow enough for the client to encode): the SDK drops
        # the request without an answer, having no id to address an error to; the server must carry on.
        too_deep = Call("get_durable_guidance", "nested beyond the transport's limit",
                        {"topic": "saga", "junk": nest(UNPARSEABLE_DEPTH)})
        server.call(too_deep, timeout=3.0, may_go_unanswered=True)
    assert server.sweep.calls >= MIN_CALLS


@pytest.mark.slow
def test_concurrent_calls_to_every_tool_are_answered(tmp_path: Path) -> None:
    """Agents issue calls in parallel; dry runs, callbacks and readers then share the engine and its store."""
    with sandboxed_server(tmp_path) as server:
        sweep(server, generated(server, DRY_RUN), CONCURRENT_SEED_RUNS)
        per_tool = [generated(server, name) for name in sorted(server.sweep.tools) if name not in SLOW_TOOLS]
        server.call_concurrently(drawn(st.one_of(per_tool), CONCURRENT_CALLS), CONCURRENCY)
    assert server.sweep.calls >= CONCURRENT_CALLS


@pytest.mark.slow
def test_tools_revealing_payloads_survive_generated_calls_with_sensitive_data_access(tmp_path: Path) -> None:
    """With --allow-sensitive-data-access these tools return inputs, results, errors and log lines
    (wrapped as untrusted data) instead of redacting them: a different path through each."""
    with sandboxed_server(tmp_path, flags=("--allow-sensitive-data-access",)) as server:
        for name in SENSITIVE_TOOLS:
            sweep(server, generated(server, name), SENSITIVE_PER_TOOL)
    assert server.sweep.outcomes[("get_durable_execution_logs", "result")] > 0
