"""Fold Lambda-shaped history events (``GetDurableExecutionHistory`` ``Events``) into operations.

One pass, constant work per event, so a 10,000-event history folds in milliseconds. Events may be
fed page by page through :class:`HistoryFold`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field

from durable_mcp.inspect.models import ErrorView, ExecutionView, InvocationView, OperationView

_PREFIXES = (
    ("ChainedInvoke", "CHAINED_INVOKE"),
    ("Execution", "EXECUTION"),
    ("Context", "CONTEXT"),
    ("Callback", "CALLBACK"),
    ("Wait", "WAIT"),
    ("Step", "STEP"),
)
_PHASE_STATUS = {
    "Started": "STARTED",
    "Succeeded": "SUCCEEDED",
    "Failed": "FAILED",
    "TimedOut": "TIMED_OUT",
    "Stopped": "STOPPED",
    "Cancelled": "CANCELLED",
}


def split_event_type(event_type: str) -> tuple[str, str] | None:
    """``"ChainedInvokeFailed"`` -> ``("CHAINED_INVOKE", "Failed")``; None for other events."""
    for prefix, op_type in _PREFIXES:
        if event_type.startswith(prefix):
            return op_type, event_type[len(prefix) :]
    return None


def error_view(wrapper: Mapping[str, Any] | None) -> ErrorView | None:
    """Read an ``EventError`` ({Payload: ErrorObject}) or a bare ``ErrorObject``."""
    if not wrapper:
        return None
    obj = wrapper.get("Payload", wrapper)
    if not isinstance(obj, Mapping):
        return ErrorView()
    stack = obj.get("StackTrace")
    return ErrorView(
        type=obj.get("ErrorType"),
        message=obj.get("ErrorMessage"),
        data=obj.get("ErrorData"),
        stack_trace=list(stack) if isinstance(stack, list) else None,
    )


def _payload(wrapper: Any) -> str | None:
    if isinstance(wrapper, Mapping):
        value = wrapper.get("Payload")
        return value if isinstance(value, str) else None
    return wrapper if isinstance(wrapper, str) else None


class FoldedHistory(BaseModel):
    execution: ExecutionView
    operations: list[OperationView] = Field(description="in order of first appearance")
    invocations: list[InvocationView]
    event_count: int
    last_event_at: datetime | None = None


class HistoryFold:
    """Accumulates events into operation views; call :meth:`result` at any point."""

    def __init__(self) -> None:
        self._ops: dict[str, OperationView] = {}
        self._execution = ExecutionView()
        self._invocations: list[InvocationView] = []
        self._count = 0
        self._last_at: datetime | None = None

    def add_all(self, events: Iterable[Mapping[str, Any]]) -> HistoryFold:
        for event in events:
            self.add(event)
        return self

    def add(self, event: Mapping[str, Any]) -> None:
        self._count += 1
        event_type = str(event.get("EventType", ""))
        at = event.get("EventTimestamp")
        if isinstance(at, datetime):
            self._last_at = at
        details = event.get(f"{event_type}Details") or {}
        if event_type == "InvocationCompleted":
            self._invocations.append(
                InvocationView(
                    request_id=details.get("RequestId"),
                    started_at=details.get("StartTimestamp"),
                    ended_at=details.get("EndTimestamp") or at,
                    error=error_view(details.get("Error")),
                )
            )
            return
        split = split_event_type(event_type)
        if split is None:
            return
        op_type, phase = split
        if op_type == "EXECUTION":
            self._add_execution_event(phase, at, details)
            return
        op_id = str(event.get("Id") or f"event-{event.get('EventId', self._count)}")
        op = self._ops.get(op_id)
        if op is None:
            op = OperationView(
                id=op_id,
                parent_id=event.get("ParentId"),
                name=event.get("Name"),
                type=op_type,
                subtype=event.get("SubType"),
                status="STARTED",
                started_at=at,
                first_event_id=event.get("EventId"),
            )
            self._ops[op_id] = op
        op.last_event_id = event.get("EventId")
        if op.name is None:
            op.name = event.get("Name")
        _apply_phase(op, phase, at, details)

    def _add_execution_event(self, phase: str, at: Any, details: Mapping[str, Any]) -> None:
        ex = self._execution
        if phase == "Started":
            ex.started_at = at
            ex.status = "RUNNING"
            ex.input = _payload(details.get("Input"))
            ex.timeout_seconds = details.get("ExecutionTimeout")
            if isinstance(at, datetime) and ex.timeout_seconds:
                ex.timeout_at = at + timedelta(seconds=ex.timeout_seconds)
        elif phase == "Paused":
            ex.status = "PAUSED"
            ex.paused_at = details.get("PauseRequestTimestamp") or at
            ex.pause_reason = _payload(details.get("Reason"))
        elif phase == "Resumed":
            ex.status = "RUNNING"
            ex.paused_at = None
        elif phase in _PHASE_STATUS:
            ex.status = _PHASE_STATUS[phase]
            ex.ended_at = at
            ex.result = _payload(details.get("Result"))
            ex.error = error_view(details.get("Error"))

    def result(self) -> FoldedHistory:
        return FoldedHistory(
            execution=self._execution,
            operations=list(self._ops.values()),
            invocations=self._invocations,
            event_count=self._count,
            last_event_at=self._last_at,
        )


def _apply_phase(op: OperationView, phase: str, at: Any, details: Mapping[str, Any]) -> None:
    if phase == "Started":
        _apply_start(op, at, details)
        return
    op.ended_at = at
    op.status = _PHASE_STATUS.get(phase, phase.upper())
    retry = details.get("RetryDetails") or {}
    if retry.get("CurrentAttempt"):
        op.attempts = int(retry["CurrentAttempt"])
    op.error = error_view(details.get("Error"))
    op.result = _payload(details.get("Result"))
    delay = retry.get("NextAttemptDelaySeconds")
    if phase == "Failed" and op.type == "STEP" and delay and isinstance(at, datetime):
        op.status = "PENDING"
        op.next_attempt_at = at + timedelta(seconds=int(delay))
    else:
        op.next_attempt_at = None


def _apply_start(op: OperationView, at: Any, details: Mapping[str, Any]) -> None:
    op.status = "STARTED"
    op.ended_at = None
    if op.type == "STEP":
        op.attempts += 1
    elif op.type == "WAIT":
        op.wait_seconds = details.get("Duration")
        op.scheduled_end = details.get("ScheduledEndTimestamp")
    elif op.type == "CALLBACK":
        op.callback_id = details.get("CallbackId")
        op.callback_timeout_seconds = details.get("Timeout") or None
        op.heartbeat_timeout_seconds = details.get("HeartbeatTimeout") or None
    elif op.type == "CHAINED_INVOKE":
        op.chained_function = details.get("FunctionName")
        op.chained_execution_arn = details.get("DurableExecutionArn")


def fold_history(events: Iterable[Mapping[str, Any]]) -> FoldedHistory:
    return HistoryFold().add_all(events).result()


def merge_execution(folded: FoldedHistory, execution: Mapping[str, Any] | None) -> ExecutionView:
    """Combine a ``GetDurableExecution`` response with what the history says (the response wins)."""
    view = folded.execution.model_copy()
    if not execution:
        return view
    pause = execution.get("PauseDetails") or {}
    updates: dict[str, Any] = {
        "arn": execution.get("DurableExecutionArn"),
        "name": execution.get("DurableExecutionName"),
        "function_arn": execution.get("FunctionArn"),
        "version": execution.get("Version"),
        "status": execution.get("Status"),
        "started_at": execution.get("StartTimestamp"),
        "ended_at": execution.get("EndTimestamp"),
        "timeout_at": execution.get("ExpectedExecutionTimeoutTimestamp"),
        "input": execution.get("InputPayload"),
        "result": execution.get("Result"),
        "error": error_view(execution.get("Error")),
        "paused_at": pause.get("PauseRequestTimestamp"),
        "pause_reason": pause.get("Reason"),
        "timeout_seconds": (execution.get("DurableConfig") or {}).get("ExecutionTimeout"),
    }
    return view.model_copy(update={k: v for k, v in updates.items() if v is not None})
