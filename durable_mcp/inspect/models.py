"""Output models of the inspection library (all pass through :func:`~durable_mcp.inspect.redact.redact`)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from durable_mcp.inspect.redact import SENSITIVE, WIRE

SensitiveText = Annotated[str | None, SENSITIVE]
WireDict = Annotated[dict[str, Any] | None, WIRE]
WireList = Annotated[list[dict[str, Any]], WIRE]


class ErrorView(BaseModel):
    """An ``ErrorObject``: the type is structure (always shown), the rest is customer data."""

    type: str | None = None
    message: SensitiveText = None
    data: SensitiveText = None
    stack_trace: Annotated[list[str] | None, SENSITIVE] = None


class OperationView(BaseModel):
    """One durable operation folded from its history events."""

    id: str
    parent_id: str | None = None
    name: str | None = None
    type: str = Field(description="EXECUTION, CONTEXT, STEP, WAIT, CALLBACK or CHAINED_INVOKE")
    subtype: str | None = None
    status: str = Field(description="STARTED, PENDING (retry scheduled), SUCCEEDED, FAILED, ...")
    started_at: datetime | None = None
    ended_at: datetime | None = None
    attempts: int = 0
    error: ErrorView | None = None
    result: SensitiveText = None
    wait_seconds: int | None = None
    scheduled_end: datetime | None = None
    next_attempt_at: datetime | None = None
    callback_id: str | None = None
    callback_timeout_seconds: int | None = None
    heartbeat_timeout_seconds: int | None = None
    chained_function: str | None = None
    chained_execution_arn: str | None = None
    first_event_id: int | None = None
    last_event_id: int | None = None

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at is None or self.ended_at is None:
            return None
        return (self.ended_at - self.started_at).total_seconds()

    @property
    def label(self) -> str:
        return self.name or self.id


class InvocationView(BaseModel):
    """One Lambda invocation (``InvocationCompleted``) of the execution."""

    request_id: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    error: ErrorView | None = None


class ExecutionView(BaseModel):
    """The execution as seen by ``GetDurableExecution`` and/or its Execution* events."""

    arn: str | None = None
    name: str | None = None
    function_arn: str | None = None
    version: str | None = None
    status: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    timeout_seconds: int | None = None
    timeout_at: datetime | None = None
    input: SensitiveText = None
    result: SensitiveText = None
    error: ErrorView | None = None
    paused_at: datetime | None = None
    pause_reason: SensitiveText = None
    is_local: bool = False
    console_url: str | None = None


class ExecutionSummary(BaseModel):
    """One row of ``ListDurableExecutionsByFunction``."""

    arn: str
    name: str
    function_arn: str
    status: str
    started_at: datetime
    ended_at: datetime | None = None


class ExecutionList(BaseModel):
    executions: list[ExecutionSummary]
    next_marker: str | None = None


HistoryFormat = Literal["events", "timeline", "mermaid"]


class HistoryView(BaseModel):
    """A history page (or the whole history) in one of the three formats."""

    execution_arn: str
    format: HistoryFormat
    event_count: int
    events: WireList = Field(default_factory=list)
    timeline: list[str] = Field(default_factory=list)
    mermaid: str | None = None
    next_marker: str | None = Field(default=None, description="pass back as marker for the next page")


class Cause(StrEnum):
    SUCCEEDED = "succeeded"
    NON_DETERMINISTIC = "non_deterministic"
    STEP_FAILED = "step_failed"
    CALLBACK_TIMED_OUT = "callback_timed_out"
    CALLBACK_FAILED = "callback_failed"
    CHAINED_INVOKE_FAILED = "chained_invoke_failed"
    CONTEXT_FAILED = "context_failed"
    INVOCATION_ERROR = "invocation_error"
    EXECUTION_TIMED_OUT = "execution_timed_out"
    STOPPED = "stopped"
    FAILED = "failed"
    WAITING_FOR_CALLBACK = "waiting_for_callback"
    WAITING_FOR_TIMER = "waiting_for_timer"
    RETRY_SCHEDULED = "retry_scheduled"
    WAITING_FOR_CHAINED_INVOKE = "waiting_for_chained_invoke"
    IN_PROGRESS = "in_progress"
    PAUSED = "paused"


class PendingItem(BaseModel):
    """Something a running execution is waiting for."""

    kind: Literal["callback", "timer", "retry", "chained_invoke", "step"]
    operation_id: str
    operation_name: str | None = None
    since: datetime | None = None
    until: datetime | None = Field(default=None, description="when the wait ends or the timeout fires")
    callback_id: str | None = None
    heartbeat_due_by: datetime | None = Field(
        default=None, description="latest heartbeat deadline derivable from history (heartbeats extend it)"
    )
    child_execution_arn: str | None = None
    overdue: bool = False


class RetryInfo(BaseModel):
    operation_id: str
    operation_name: str | None = None
    attempts_used: int
    retries_left: int | None = Field(default=None, description="0 when the step failed for good; else unknown")
    last_error_type: str | None = None
    next_attempt_at: datetime | None = None


class Diagnosis(BaseModel):
    """Why an execution is where it is, and what to do next. Computed read-only."""

    execution_arn: str | None
    status: str | None
    cause: Cause
    summary: str
    error: ErrorView | None = None
    failing_operation: OperationView | None = None
    pending: list[PendingItem] = Field(default_factory=list)
    retries: list[RetryInfo] = Field(default_factory=list)
    findings: list[str] = Field(default_factory=list)
    next_steps: list[str] = Field(default_factory=list)
    console_url: str | None = None
    event_count: int = 0


class LogLine(BaseModel):
    timestamp: datetime | None = None
    stream: str | None = None
    message: SensitiveText = None


class ExecutionLogs(BaseModel):
    execution_arn: str
    source: str = Field(description="CloudWatch log group name, or 'local'")
    lines: list[LogLine]
    next_token: str | None = None
