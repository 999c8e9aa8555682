"""The wire contract of the Lambda durable execution API, mirrored as constants and helpers.

Operations, updates and history events travel as plain dicts in the exact boto3 shape (PascalCase
keys, timestamps as timezone-aware ``datetime``), because every consumer (the SDK's ``LambdaClient``,
the HTTP endpoint, the inspection code) already speaks that shape. This module is the one place that
knows the enums, limits, ARN layout and token/callback-id encodings.
"""

from __future__ import annotations

import base64
import re
import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final

Json = dict[str, Any]

ACCOUNT_ID: Final = "000000000000"
REGION: Final = "us-east-1"
LATEST: Final = "$LATEST"


class OperationType(StrEnum):
    EXECUTION = "EXECUTION"
    CONTEXT = "CONTEXT"
    STEP = "STEP"
    WAIT = "WAIT"
    CALLBACK = "CALLBACK"
    CHAINED_INVOKE = "CHAINED_INVOKE"


class OperationStatus(StrEnum):
    STARTED = "STARTED"
    PENDING = "PENDING"
    READY = "READY"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"
    TIMED_OUT = "TIMED_OUT"
    STOPPED = "STOPPED"


class Action(StrEnum):
    START = "START"
    SUCCEED = "SUCCEED"
    FAIL = "FAIL"
    RETRY = "RETRY"
    CANCEL = "CANCEL"


class ExecutionStatus(StrEnum):
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    TIMED_OUT = "TIMED_OUT"
    STOPPED = "STOPPED"
    DELETING = "DELETING"
    PAUSING = "PAUSING"
    PAUSED = "PAUSED"


TERMINAL_OPERATION_STATUSES: Final = frozenset(
    {
        OperationStatus.SUCCEEDED,
        OperationStatus.FAILED,
        OperationStatus.CANCELLED,
        OperationStatus.TIMED_OUT,
        OperationStatus.STOPPED,
    }
)
TERMINAL_EXECUTION_STATUSES: Final = frozenset(
    {ExecutionStatus.SUCCEEDED, ExecutionStatus.FAILED, ExecutionStatus.TIMED_OUT, ExecutionStatus.STOPPED}
)

# Which actions each operation type accepts (the service rejects anything else).
ALLOWED_ACTIONS: Final[dict[OperationType, frozenset[Action]]] = {
    OperationType.EXECUTION: frozenset({Action.SUCCEED, Action.FAIL}),
    OperationType.CONTEXT: frozenset({Action.START, Action.SUCCEED, Action.FAIL}),
    OperationType.STEP: frozenset({Action.START, Action.SUCCEED, Action.FAIL, Action.RETRY}),
    OperationType.WAIT: frozenset({Action.START, Action.CANCEL}),
    OperationType.CALLBACK: frozenset({Action.START, Action.CANCEL}),
    OperationType.CHAINED_INVOKE: frozenset({Action.START, Action.CANCEL}),
}

# Event type prefix per operation type ("Step" + "Started" = "StepStarted").
EVENT_PREFIX: Final[dict[OperationType, str]] = {
    OperationType.EXECUTION: "Execution",
    OperationType.CONTEXT: "Context",
    OperationType.STEP: "Step",
    OperationType.WAIT: "Wait",
    OperationType.CALLBACK: "Callback",
    OperationType.CHAINED_INVOKE: "ChainedInvoke",
}

# Limits from the API model (sizes in bytes of the UTF-8 encoding).
MAX_SYNC_PAYLOAD: Final = 6 * 1024 * 1024
MAX_OPERATION_PAYLOAD: Final = 6_291_456
MAX_ASYNC_PAYLOAD: Final = 1024 * 1024
MAX_ERROR_BYTES: Final = 1024 * 1024
MAX_CALLBACK_RESULT: Final = 1024 * 1024
MAX_WAIT_SECONDS: Final = 31_622_400
MAX_EXECUTION_TIMEOUT: Final = 31_622_400
MAX_CALLBACK_TIMEOUT: Final = 99_999_999
MAX_PAGE_ITEMS: Final = 1000
DEFAULT_HISTORY_PAGE: Final = 100
DEFAULT_STATE_PAGE: Final = 100

ID_PATTERN: Final = re.compile(r"[a-zA-Z0-9_-]{1,64}")
SUBTYPE_PATTERN: Final = re.compile(r"[a-zA-Z0-9_-]{1,32}")
NAME_PATTERN: Final = re.compile(r"[\x20-\x7e]{1,256}")
EXECUTION_NAME_PATTERN: Final = re.compile(r"[a-zA-Z0-9_-]{1,64}")
FUNCTION_NAME_PATTERN: Final = re.compile(r"[a-zA-Z0-9_-]{1,64}")
ARN_PATTERN: Final = re.compile(
    r"arn:([a-zA-Z0-9-]+):lambda:([a-zA-Z0-9-]+):(\d{12}):function:([a-zA-Z0-9_-]+):"
    r"(\$LATEST(?:\.PUBLISHED)?|[0-9]+)/durable-execution/([a-zA-Z0-9_-]+)/([a-zA-Z0-9_-]+)"
)


def utf8_len(text: str | None) -> int:
    return len(text.encode("utf-8")) if text else 0


def function_arn(function_name: str, qualifier: str | None = None) -> str:
    base = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{function_name}"
    return f"{base}:{qualifier}" if qualifier else base


def execution_arn(function_name: str, version: str, execution_name: str, execution_id: str) -> str:
    return f"{function_arn(function_name, version)}/durable-execution/{execution_name}/{execution_id}"


def new_execution_id() -> str:
    return str(uuid.uuid4())


def execution_id_of(arn: str) -> str:
    """The EXECUTION operation id: the last segment of the ARN (the SDK relies on it)."""
    return arn.rsplit("/", 1)[-1]


def encode_token(execution_id: str, sequence: int) -> str:
    return base64.b64encode(f"{execution_id}:{sequence}".encode()).decode()


def encode_callback_id(execution_id: str, operation_id: str) -> str:
    return base64.b64encode(f"{execution_id}:{operation_id}".encode()).decode()


def decode_callback_id(callback_id: str) -> tuple[str, str] | None:
    try:
        execution_id, operation_id = base64.b64decode(callback_id, validate=True).decode().split(":", 1)
    except (ValueError, UnicodeDecodeError):
        return None
    return execution_id, operation_id


def to_epoch_ms(value: datetime) -> int:
    return round(value.timestamp() * 1000)


def from_epoch_ms(value: float) -> datetime:
    return datetime.fromtimestamp(value / 1000, tz=UTC)


def from_epoch(value: float) -> datetime:
    return datetime.fromtimestamp(value, tz=UTC)


def iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def operation_to_json(op: Json) -> Json:
    """An Operation with epoch-millisecond timestamps, as the invocation event carries it."""
    out = dict(op)
    for key in ("StartTimestamp", "EndTimestamp"):
        if isinstance(out.get(key), datetime):
            out[key] = to_epoch_ms(out[key])
    for details, key in (("StepDetails", "NextAttemptTimestamp"), ("WaitDetails", "ScheduledEndTimestamp")):
        inner = out.get(details)
        if inner and isinstance(inner.get(key), datetime):
            out[details] = {**inner, key: to_epoch_ms(inner[key])}
    return out


def to_jsonable(value: Any) -> Any:
    """Deep copy with datetimes as ISO-8601 strings (CLI and JSON output)."""
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value


def copy_operation(op: Json) -> Json:
    """A copy safe to hand out: details dicts are copied too (one level is all an Operation has)."""
    return {k: (dict(v) if isinstance(v, dict) else v) for k, v in op.items()}
