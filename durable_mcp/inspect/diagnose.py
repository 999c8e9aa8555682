"""Read-only diagnosis of a durable execution from its Lambda-shaped history.

Works on what the service returns (``GetDurableExecution`` and ``GetDurableExecutionHistory``) and
never changes anything. Payload-free by construction: causes are derived from event types, error
types, operation names and timings, so the diagnosis still holds when execution data was withheld.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from durable_mcp.aws.arns import try_parse_execution_arn
from durable_mcp.inspect.fold import FoldedHistory, HistoryFold, merge_execution
from durable_mcp.inspect.models import (
    Cause,
    Diagnosis,
    ErrorView,
    ExecutionView,
    OperationView,
    PendingItem,
    RetryInfo,
)
from durable_mcp.inspect.render import format_duration

_FAILED = frozenset({"FAILED", "TIMED_OUT", "STOPPED", "CANCELLED"})
_LEAF_FAILURE_CAUSE = {
    "CALLBACK": Cause.CALLBACK_FAILED,
    "CHAINED_INVOKE": Cause.CHAINED_INVOKE_FAILED,
    "STEP": Cause.STEP_FAILED,
    "WAIT": Cause.FAILED,
}


def diagnose(
    events: Iterable[Mapping[str, Any]],
    execution: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> Diagnosis:
    """Explain why the execution failed, or what it is waiting for, and suggest next steps."""
    return diagnose_folded(HistoryFold().add_all(events).result(), execution, now)


def diagnose_folded(
    folded: FoldedHistory, execution: Mapping[str, Any] | None = None, now: datetime | None = None
) -> Diagnosis:
    now = now or datetime.now(UTC)
    view = merge_execution(folded, execution)
    arn = try_parse_execution_arn(view.arn)
    diagnosis = _classify(folded, view, now)
    diagnosis.execution_arn = view.arn
    diagnosis.status = view.status
    diagnosis.event_count = folded.event_count
    diagnosis.retries = _retries(folded.operations)
    diagnosis.findings.extend(_retry_findings(diagnosis.retries))
    diagnosis.findings.extend(_invocation_findings(folded))
    if arn is not None:
        diagnosis.console_url = arn.console_url
        if arn.is_local:
            diagnosis.findings.append("Local execution (account 000000000000): a dry-run or local endpoint execution.")
            failing = diagnosis.failing_operation
            if diagnosis.cause is Cause.CHAINED_INVOKE_FAILED and failing is not None and failing.error is not None \
                    and failing.error.type == "ResourceNotFoundException":
                diagnosis.next_steps.insert(0, (
                    f"{failing.chained_function or 'The invoked function'} does not run on the local engine: "
                    "register it (a dry-run of its handler), or answer the invoke with a stand-in result: "
                    "run_durable_function_locally(stub_invokes={name: result}) or `durable-mcp run ... "
                    "--stub-invoke NAME=JSON`."
                ))
        else:
            diagnosis.next_steps.append(f"Open the execution in the Lambda console: {arn.console_url}")
    return diagnosis


def _classify(folded: FoldedHistory, ex: ExecutionView, now: datetime) -> Diagnosis:
    status = ex.status or "UNKNOWN"
    if status == "SUCCEEDED":
        return Diagnosis(
            execution_arn=None,
            status=status,
            cause=Cause.SUCCEEDED,
            summary=f"Execution succeeded after {format_duration(_span(ex))} "
            f"({len(folded.operations)} operations, {len(folded.invocations)} invocations).",
        )
    if status in {"FAILED", "TIMED_OUT", "STOPPED"}:
        return _terminal_failure(folded, ex, status)
    if status in {"PAUSED", "PAUSING"}:
        return Diagnosis(
            execution_arn=None,
            status=status,
            cause=Cause.PAUSED,
            summary=f"Execution is {status.lower()} since {_clock(ex.paused_at)}; nothing runs until it is resumed.",
            pending=_pending(folded.operations, now),
            next_steps=["Resume it (resume_execution) when ready; pending timers and callbacks are kept."],
        )
    return _running(folded, ex, now)


def _terminal_failure(folded: FoldedHistory, ex: ExecutionView, status: str) -> Diagnosis:
    error = ex.error
    culprit = _culprit(folded.operations)
    base: dict[str, Any] = {
        "execution_arn": None,
        "status": status,
        "error": error,
        "failing_operation": culprit,
    }
    if status == "TIMED_OUT":
        limit = f" of {format_duration(ex.timeout_seconds)}" if ex.timeout_seconds else ""
        return Diagnosis(
            **base,
            cause=Cause.EXECUTION_TIMED_OUT,
            summary=f"Execution timed out: it exceeded its ExecutionTimeout{limit} (ran {format_duration(_span(ex))}).",
            findings=_open_operations_findings(folded.operations),
            next_steps=[
                "Raise DurableConfig.ExecutionTimeout (max 31,622,400 s) if the workflow legitimately runs longer.",
                "Check the operations still open when it timed out (waits, callbacks never completed).",
            ],
        )
    if status == "STOPPED":
        return Diagnosis(
            **base,
            cause=Cause.STOPPED,
            summary=f"Execution was stopped (StopDurableExecution) at {_clock(ex.ended_at)}.",
            next_steps=["Start a new execution if the work must still be done; a stopped one cannot resume."],
        )
    error_type = (error.type if error else None) or ""
    if "NonDeterministic" in error_type or "Nondeterminism" in error_type:
        return Diagnosis(
            **base,
            cause=Cause.NON_DETERMINISTIC,
            summary=f"Execution failed with {error_type}: on replay the code took a different path than the "
            "checkpointed history (operation type, name or order changed).",
            next_steps=[
                "Run the replay-rule validator on the handler (validate tool) to find code outside "
                "steps that "
                "varies between invocations: time, random numbers, UUIDs, environment, unordered iteration.",
                "If the code was changed while executions were in flight, deploy changes as a new "
                "version and "
                "keep old executions on the old version (invoke through an alias).",
            ],
        )
    if culprit is not None:
        return _operation_failure(folded, culprit, base, error)
    invocation_error = next((inv.error for inv in reversed(folded.invocations) if inv.error), None)
    if invocation_error is not None:
        return Diagnosis(
            **{**base, "error": error or invocation_error},
            cause=Cause.INVOCATION_ERROR,
            summary=f"An invocation of the handler failed ({invocation_error.type or 'error'}) outside any operation.",
            next_steps=["Read the execution's logs (logs tool) for the crash (timeout, out of memory, import error)."],
        )
    return Diagnosis(
        **base,
        cause=Cause.FAILED,
        summary=f"Execution failed{' with ' + error_type if error_type else ''} in handler code outside any "
        "durable operation.",
        next_steps=["Read the execution's logs for the stack trace (logs tool)."],
    )


def _operation_failure(
    folded: FoldedHistory, op: OperationView, base: dict[str, Any], error: ErrorView | None
) -> Diagnosis:
    err_type = op.error.type if op.error and op.error.type else None
    what = f"{op.type.lower().replace('_', ' ')} '{op.label}'"
    if op.type == "CALLBACK" and op.status == "TIMED_OUT":
        heartbeat = _heartbeat_expired(op, err_type)
        reason = "no heartbeat arrived within" if heartbeat else "no result arrived within"
        limit = op.heartbeat_timeout_seconds if heartbeat else op.callback_timeout_seconds
        return Diagnosis(
            **base,
            cause=Cause.CALLBACK_TIMED_OUT,
            summary=f"Callback '{op.label}' (id {op.callback_id}) timed out: {reason} {format_duration(limit)}.",
            next_steps=[
                "Check that the external system received the callback id and calls "
                "SendDurableExecutionCallbackSuccess/Failure (and Heartbeat when a heartbeat timeout "
                "is set).",
                "Raise the callback timeout / heartbeat timeout if the external work takes longer.",
            ],
        )
    if op.type == "CHAINED_INVOKE":
        child = op.chained_execution_arn
        steps = [f"Diagnose the child execution: {child}"] if child else []
        steps.append(
            f"Check the invoked function {op.chained_function or ''} and its permissions (lambda:InvokeFunction)."
        )
        return Diagnosis(
            **base,
            cause=Cause.CHAINED_INVOKE_FAILED,
            summary=f"Chained invoke '{op.label}' of {op.chained_function or 'another function'} ended "
            f"{op.status}{' with ' + err_type if err_type else ''}.",
            next_steps=steps,
        )
    cause = _LEAF_FAILURE_CAUSE.get(op.type, Cause.CONTEXT_FAILED)
    attempts = f" after {op.attempts} attempt{'s' if op.attempts != 1 else ''}" if op.type == "STEP" else ""
    steps = ["Read the error (include sensitive data) and the logs of the failing invocation (logs tool)."]
    if op.type == "STEP" and op.attempts > 1:
        steps.append(
            f"The step used the {op.attempts} attempts its retry strategy allows: if the error is transient, allow "
            "more attempts or a longer backoff; if not, handle it in code."
        )
    elif op.type == "STEP":
        steps.append(
            "The step was not retried (no retry strategy, or one that does not retry this error): if the error is "
            "transient, give the step a retry strategy; if not, handle it in code."
        )
    return Diagnosis(
        **base,
        cause=cause,
        summary=f"Execution failed: {what} ended {op.status}{attempts}{' with ' + err_type if err_type else ''}.",
        next_steps=steps,
    )


def _heartbeat_expired(op: OperationView, err_type: str | None) -> bool:
    if err_type:
        return "heartbeat" in err_type.lower()
    if not op.heartbeat_timeout_seconds:
        return False
    elapsed = op.duration_seconds
    return op.callback_timeout_seconds is None or (elapsed is not None and elapsed < op.callback_timeout_seconds)


def _culprit(ops: list[OperationView]) -> OperationView | None:
    """The last operation that failed for good, preferring leaves over the contexts they failed."""
    failed = [op for op in ops if op.status in _FAILED]
    leaves = [op for op in failed if op.type != "CONTEXT"]
    pool = leaves or failed
    return max(pool, key=lambda op: op.last_event_id or 0) if pool else None


def _running(folded: FoldedHistory, ex: ExecutionView, now: datetime) -> Diagnosis:
    pending = _pending(folded.operations, now)
    steps: list[str] = []
    findings: list[str] = []
    if ex.timeout_at is not None:
        findings.append(f"Execution times out at {_clock(ex.timeout_at)}.")
    if not pending:
        summary = "Execution is running; no operation is waiting (an invocation is probably in progress)."
        resumed_by = _completed_since_last_invocation(folded)
        if resumed_by is not None:
            summary = (
                f"Execution is running: {resumed_by.type.lower().replace('_', ' ')} '{resumed_by.label}' ended "
                f"{resumed_by.status} at {_clock(resumed_by.ended_at)} and the handler is being re-invoked to "
                "continue from there."
            )
        return Diagnosis(
            execution_arn=None,
            status=ex.status,
            cause=Cause.IN_PROGRESS,
            summary=summary,
            findings=findings,
            next_steps=["Check again shortly, or read the logs (logs tool)."],
        )
    first = pending[0]
    kinds = {item.kind for item in pending}
    if "callback" in kinds:
        cause = Cause.WAITING_FOR_CALLBACK
        cb = next(item for item in pending if item.kind == "callback")
        summary = f"Waiting for callback '{cb.operation_name or cb.operation_id}' (callback id {cb.callback_id})"
        summary += f", times out at {_clock(cb.until)}" if cb.until else ", no timeout set"
        summary += f"; heartbeat due by {_clock(cb.heartbeat_due_by)}." if cb.heartbeat_due_by else "."
        steps.append(
            f"Complete it with send_durable_callback (succeed or fail) using callback id {cb.callback_id}, "
            "or make the external system do so."
        )
        if cb.heartbeat_due_by:
            steps.append("Send heartbeats before the heartbeat deadline while the external work continues.")
    elif "retry" in kinds:
        cause = Cause.RETRY_SCHEDULED
        item = next(item for item in pending if item.kind == "retry")
        summary = f"Step '{item.operation_name or item.operation_id}' failed and will retry "
        summary += f"at {_clock(item.until)}."
        steps.append("Read the last error of the step (include sensitive data) and the logs to see why it fails.")
    elif "chained_invoke" in kinds:
        cause = Cause.WAITING_FOR_CHAINED_INVOKE
        item = next(item for item in pending if item.kind == "chained_invoke")
        summary = f"Waiting for chained invoke '{item.operation_name or item.operation_id}'."
        if item.child_execution_arn:
            steps.append(f"Diagnose the child execution: {item.child_execution_arn}")
    elif "timer" in kinds:
        cause = Cause.WAITING_FOR_TIMER
        summary = f"Waiting on timer '{first.operation_name or first.operation_id}' until {_clock(first.until)}."
        steps.append("Nothing to do: the execution resumes by itself when the wait ends.")
    else:
        cause = Cause.IN_PROGRESS
        summary = f"Step '{first.operation_name or first.operation_id}' is running (started {_clock(first.since)})."
        steps.append("If it stays like this past the function timeout, the invocation crashed: read the logs.")
    overdue = [item for item in pending if item.overdue]
    if overdue:
        findings.append(
            f"{len(overdue)} pending item(s) are past their deadline; the service should "
            "resume the execution "
            "soon (or the history is stale)."
        )
    return Diagnosis(
        execution_arn=None,
        status=ex.status,
        cause=cause,
        summary=summary,
        pending=pending,
        findings=findings,
        next_steps=steps,
    )


def _completed_since_last_invocation(folded: FoldedHistory) -> OperationView | None:
    """The latest operation that completed outside the handler (timer, callback, child) since its last run."""
    last_run = max((inv.ended_at for inv in folded.invocations if inv.ended_at), default=None)
    ended = [op for op in folded.operations if op.ended_at and (last_run is None or op.ended_at > last_run)]
    return max(ended, key=lambda op: op.last_event_id or 0) if ended else None


def _pending(ops: list[OperationView], now: datetime) -> list[PendingItem]:
    by_id = {op.id: op for op in ops}
    items: list[PendingItem] = []
    for op in ops:
        item = _pending_item(op)
        parent = by_id.get(op.parent_id or "")
        if item is not None and parent is not None and parent.subtype == "WaitForCallback":
            # wait_for_callback's inner callback carries an SDK-made name; the user named the context.
            item.operation_name = parent.name or item.operation_name
        if item is not None:
            item.overdue = item.until is not None and item.until < now
            items.append(item)
    return items


def _pending_item(op: OperationView) -> PendingItem | None:
    item = PendingItem(kind="step", operation_id=op.id, operation_name=op.name, since=op.started_at)
    if op.status == "PENDING" and op.next_attempt_at:
        return item.model_copy(update={"kind": "retry", "until": op.next_attempt_at})
    if op.status != "STARTED":
        return None
    if op.type == "CALLBACK":
        return item.model_copy(
            update={
                "kind": "callback",
                "until": _after(op.started_at, op.callback_timeout_seconds),
                "callback_id": op.callback_id,
                "heartbeat_due_by": _after(op.started_at, op.heartbeat_timeout_seconds),
            }
        )
    if op.type == "WAIT":
        return item.model_copy(update={"kind": "timer", "until": op.scheduled_end})
    if op.type == "CHAINED_INVOKE":
        return item.model_copy(update={"kind": "chained_invoke", "child_execution_arn": op.chained_execution_arn})
    return item if op.type == "STEP" else None


def _retries(ops: list[OperationView]) -> list[RetryInfo]:
    out = []
    for op in ops:
        if op.type != "STEP" or (op.attempts <= 1 and op.status != "PENDING"):
            continue
        out.append(
            RetryInfo(
                operation_id=op.id,
                operation_name=op.name,
                attempts_used=op.attempts,
                retries_left=0 if op.status == "FAILED" else None,
                last_error_type=op.error.type if op.error else None,
                next_attempt_at=op.next_attempt_at,
            )
        )
    return out


def _retry_findings(retries: list[RetryInfo]) -> list[str]:
    return [
        f"Step '{r.operation_name or r.operation_id}' used {r.attempts_used} attempt(s)"
        + (" and has no retries left" if r.retries_left == 0 else "")
        + (f"; next attempt at {_clock(r.next_attempt_at)}" if r.next_attempt_at else "")
        + "."
        for r in retries
    ]


def _invocation_findings(folded: FoldedHistory) -> list[str]:
    crashed = [inv for inv in folded.invocations if inv.error is not None]
    if not crashed:
        return []
    types = sorted({inv.error.type or "unknown" for inv in crashed if inv.error})
    return [f"{len(crashed)} invocation(s) ended with an error ({', '.join(types)}); the service retried them."]


def _open_operations_findings(ops: list[OperationView]) -> list[str]:
    return [
        f"{op.type.lower()} '{op.label}' was still open when the execution ended."
        for op in ops
        if op.status in {"STARTED", "PENDING"}
    ]


def _after(start: datetime | None, seconds: int | None) -> datetime | None:
    return start + timedelta(seconds=seconds) if start and seconds else None


def _span(ex: ExecutionView) -> float | None:
    if ex.started_at is None or ex.ended_at is None:
        return None
    return (ex.ended_at - ex.started_at).total_seconds()


def _clock(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ") if at else "?"
