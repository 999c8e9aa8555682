"""History events, recorded as things happen (append-only, EventId from 1) in the
GetDurableExecutionHistory shape, plus the reading side: data redaction and paging."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from durable_mcp.engine.execution import ExecutionRecord
from durable_mcp.engine.model import EVENT_PREFIX, Json, OperationType


def payload(value: str | None) -> Json:
    out: Json = {"Truncated": False}
    if value is not None:
        out["Payload"] = value
    return out


def error_payload(error: Json | None) -> Json:
    out: Json = {"Truncated": False}
    if error is not None:
        out["Payload"] = error
    return out


def record(
    rec: ExecutionRecord,
    event_type: str,
    when: datetime,
    details: Json,
    op: Json | None = None,
) -> Json:
    event: Json = {"EventType": event_type}
    if op is not None and op.get("SubType"):
        event["SubType"] = op["SubType"]
    event["EventId"] = len(rec.events) + 1
    if op is not None:
        event["Id"] = op["Id"]
        if op.get("Name"):
            event["Name"] = op["Name"]
        if op.get("ParentId"):
            event["ParentId"] = op["ParentId"]
    event["EventTimestamp"] = when
    event[f"{event_type}Details"] = details
    rec.events.append(event)
    return event


def record_op(rec: ExecutionRecord, op: Json, suffix: str, when: datetime, details: Json) -> Json:
    prefix = EVENT_PREFIX[OperationType(op["Type"])]
    return record(rec, prefix + suffix, when, details, op)


_DATA_KEYS = ("Input", "Result", "Error", "Reason")


def without_data(event: Json) -> Json:
    """The event as returned when IncludeExecutionData is false: payloads dropped, shape kept."""
    out = dict(event)
    for key, value in event.items():
        if key.endswith("Details") and isinstance(value, dict):
            details: dict[str, Any] = dict(value)
            for data_key in _DATA_KEYS:
                if isinstance(details.get(data_key), dict):
                    details[data_key] = {k: v for k, v in details[data_key].items() if k != "Payload"}
            out[key] = details
    return out


def copy_event(event: Json) -> Json:
    return {k: (dict(v) if isinstance(v, dict) else v) for k, v in event.items()}
