"""Dry-runs on the embedded engine: run_durable_function_locally and check_replay_determinism."""

from __future__ import annotations

import json
import queue
from typing import Annotated, Any

import anyio
import anyio.to_thread
from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from pydantic import BaseModel, Field

from durable_mcp.determinism.models import DeterminismReport
from durable_mcp.server.policy import Access
from durable_mcp.server.registry import add_tool
from durable_mcp.server.state import AppState, state_of
from durable_mcp.server.untrusted import mark

HandlerRef = Annotated[str, Field(description="handler file and export, e.g. src/handler.py:handler or app.ts:handler")]
Stubs = Annotated[
    dict[str, Any] | None,
    Field(description='step name -> result to checkpoint instead of running it ({"ErrorType",...} fails)'),
]


InvokeStubs = Annotated[
    dict[str, Any] | None,
    Field(description='function name -> result its invoke returns ({"ErrorType",...} fails)'),
]


class PendingCallback(BaseModel):
    name: str
    callback_id: str


class DryRunResult(BaseModel):
    execution_arn: str
    status: str = Field(description="RUNNING means suspended: waiting on a callback (see pending_callbacks)")
    result: str | None = Field(default=None, description="the handler's return value as JSON text")
    error_type: str | None = None
    error_message: str | None = None
    timeline: list[str] = Field(description="one line per operation: duration, attempts, outcome")
    pending_callbacks: list[PendingCallback] = Field(default_factory=list)
    event_count: int
    next_steps: list[str]


def _pending_callbacks(engine: Any, arn: str) -> list[PendingCallback]:
    return [PendingCallback(name=callback.label, callback_id=callback.callback_id)
            for callback in engine.open_callbacks(arn)]


def _start(state: AppState, handler: str, payload: str | None, stubs: dict[str, Any],
           stub_invokes: dict[str, Any] | None, execution_name: str | None, on_event: Any) -> str:
    """Start a dry-run in a worker process: a handler that crashes, hangs or prints cannot take the
    server (or its stdout, the MCP channel) down with it. The handler and its stubs are stored with the
    execution, so a server started later can resume it (a callback answered tomorrow)."""
    from durable_mcp.runtimes import parse_handler_ref

    engine = state.engine()
    function, invoker = state.local_invoker(handler, stubs)
    engine.register_function(function, invoker, handler_ref=str(parse_handler_ref(handler)), stub_steps=stubs,
                             stub_invokes=stub_invokes or None)
    return engine.start(None, payload, function_name=function, execution_name=execution_name,
                        on_progress=on_event)


def _summarise(state: AppState, arn: str) -> DryRunResult:
    from durable_mcp.inspect.fold import fold_history
    from durable_mcp.inspect.render import timeline_lines

    engine = state.engine()
    outcome = engine.result(arn)
    sensitive = state.policy.allow_sensitive
    error = outcome.error or {}
    pending = _pending_callbacks(engine, arn) if outcome.status == "RUNNING" else []
    steps = [f"Full history: get_durable_execution_history(execution_arn={arn!r}, format='events')."]
    if pending:
        steps.insert(0, f"Answer the callback with send_durable_callback(callback_id={pending[0].callback_id!r}, "
                     "outcome='succeed', result='<JSON>'); the execution then resumes.")
    if outcome.status in ("FAILED", "TIMED_OUT"):
        steps.insert(0, f"Explain the failure: diagnose_durable_execution(execution_arn={arn!r}).")
    result_text = json.dumps(outcome.result) if outcome.status == "SUCCEEDED" else None
    message = error.get("ErrorMessage")
    return DryRunResult(
        execution_arn=arn,
        status=outcome.status,
        result=mark(result_text, "handler result") if sensitive else state.policy.redact(result_text),
        error_type=error.get("ErrorType"),
        error_message=mark(message, "handler error") if sensitive else state.policy.redact(message),
        timeline=timeline_lines(fold_history(outcome.events)),
        pending_callbacks=pending,
        event_count=len(outcome.events),
        next_steps=steps,
    )


async def run_durable_function_locally(
    ctx: Context[Any, Any],
    handler: HandlerRef,
    input: Annotated[Any, Field(description="the event, any JSON value")] = None,
    stub_steps: Stubs = None,
    execution_name: Annotated[str | None, Field(description="durable execution name (idempotency)")] = None,
    stub_invokes: InvokeStubs = None,
    callbacks_time_out: Annotated[bool, Field(description="let unanswered callbacks time out instead")] = False,
) -> DryRunResult:
    """Dry-run a real Python/TS/JS durable handler on the embedded engine (Lambda's history; waits and
    retries skipped in virtual time) until it ends or waits on a callback. WARNING: step code runs for real
    here; stub_steps replaces named steps, stub_invokes chained invokes. Needs --allow-write."""
    state = state_of(ctx)
    state.policy.require_write("run_durable_function_locally", "run your handler's code on this machine")
    payload = None if input is None else json.dumps(input)
    # History events are committed on the SDK's checkpoint thread; they are queued there and
    # reported as MCP progress from the event loop.
    messages: queue.SimpleQueue[str] = queue.SimpleQueue()

    def on_event(_arn: str, event: dict[str, Any]) -> None:
        messages.put(f"{event.get('EventType')} {event.get('Name') or ''}".strip())

    def work() -> DryRunResult:
        with state.engine_lock:
            arn = _start(state, handler, payload, dict(stub_steps or {}), stub_invokes, execution_name, on_event)
            if callbacks_time_out:
                state.engine().run_until_idle(arn)
            return _summarise(state, arn)

    reported = 0

    async def report() -> None:
        nonlocal reported
        while not messages.empty():
            reported += 1
            await ctx.report_progress(reported, None, messages.get())

    result: DryRunResult | None = None

    async def run() -> None:
        nonlocal result
        result = await anyio.to_thread.run_sync(work)

    async with anyio.create_task_group() as group:
        group.start_soon(run)
        while result is None:
            await report()
            await anyio.sleep(0.05)
    await report()
    if result is None:  # pragma: no cover - run() either set it or raised
        raise RuntimeError("dry run ended without a result")
    return result


def register(mcp: MCPServer[Any]) -> None:
    add_tool(mcp, run_durable_function_locally, name="run_durable_function_locally",
             title="Dry-run a durable handler locally", access=Access.RUN, open_world=True, idempotent=False)
    add_tool(mcp, check_replay_determinism, name="check_replay_determinism", title="Check replay determinism",
             access=Access.READ, open_world=True, idempotent=True)


def check_replay_determinism(
    handler: HandlerRef,
    input: Annotated[Any, Field(description="the event, any JSON value")] = None,
    stub_steps: Stubs = None,
    interruptions: Annotated[bool, Field(description="also crash the run after each checkpoint")] = True,
    stub_invokes: InvokeStubs = None,
) -> DeterminismReport:
    """Find replay bugs by running: replay each invocation with clock, random and UUIDs perturbed (first
    divergence with its source line), then crash after each checkpoint (steps re-run or changed). Step code
    runs for real here; use stub_steps / stub_invokes."""
    from durable_mcp.determinism import check_determinism

    payload = None if input is None else json.dumps(input)
    return check_determinism(handler, payload, stub_steps=stub_steps, interruptions=interruptions,
                             stub_invokes=stub_invokes)
