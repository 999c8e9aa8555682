"""Checkpoint processing: validate a batch of OperationUpdates, then apply each one as the
service's per-type state machine, recording history events at write time.

A batch is validated completely before anything is applied, so a rejected batch changes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Protocol

from durable_mcp.engine import history
from durable_mcp.engine.errors import InvalidParameterValueException
from durable_mcp.engine.execution import ExecutionRecord
from durable_mcp.engine.model import (
    ALLOWED_ACTIONS,
    ID_PATTERN,
    MAX_ASYNC_PAYLOAD,
    MAX_CALLBACK_TIMEOUT,
    MAX_ERROR_BYTES,
    MAX_OPERATION_PAYLOAD,
    MAX_WAIT_SECONDS,
    NAME_PATTERN,
    SUBTYPE_PATTERN,
    TERMINAL_OPERATION_STATUSES,
    Action,
    Json,
    OperationStatus,
    OperationType,
    encode_callback_id,
    utf8_len,
)
from durable_mcp.engine.timers import TimerKind


class CheckpointHooks(Protocol):
    """What applying an update needs from the service."""

    def arm(self, rec: ExecutionRecord, due: datetime, kind: TimerKind, operation_id: str = "") -> None: ...

    def start_chained_invoke(self, rec: ExecutionRecord, op: Json, update: Json) -> Json:
        """Create the target execution; returns the ChainedInvokeStarted details."""
        ...


def _bad(message: str) -> InvalidParameterValueException:
    return InvalidParameterValueException(message)


def _error_size(error: Any) -> int:
    if not isinstance(error, dict):
        return 0
    total = 0
    for value in error.values():
        if isinstance(value, str):
            total += utf8_len(value)
        elif isinstance(value, list):
            total += sum(utf8_len(v) for v in value if isinstance(v, str))
    return total


def validate(rec: ExecutionRecord, updates: list[Json]) -> None:
    """Reject the whole batch on the first invalid update (InvalidParameterValueException)."""
    # Status each touched op will have after the preceding updates of this batch.
    working: dict[str, tuple[OperationType, str]] = {}
    for index, update in enumerate(updates):
        where = f"Updates[{index}]"
        if not isinstance(update, dict):
            raise _bad(f"{where} must be an object.")
        op_id = update.get("Id")
        if not isinstance(op_id, str) or not ID_PATTERN.fullmatch(op_id):
            raise _bad(f"{where}.Id must match [a-zA-Z0-9-_]{{1,64}}.")
        try:
            op_type = OperationType(str(update.get("Type")))
            action = Action(str(update.get("Action")))
        except ValueError as exc:
            raise _bad(f"{where}: {exc}.") from None
        if action not in ALLOWED_ACTIONS[op_type]:
            raise _bad(f"{where}: action {action} is not valid for operation type {op_type}.")
        name = update.get("Name")
        if name is not None and (not isinstance(name, str) or not NAME_PATTERN.fullmatch(name)):
            raise _bad(f"{where}.Name must be 1-256 printable ASCII characters.")
        sub_type = update.get("SubType")
        if sub_type is not None and (not isinstance(sub_type, str) or not SUBTYPE_PATTERN.fullmatch(sub_type)):
            raise _bad(f"{where}.SubType must match [a-zA-Z0-9-_]{{1,32}}.")
        parent = update.get("ParentId")
        if parent is not None and parent not in rec.ops and parent not in working:
            raise _bad(f"{where}.ParentId {parent} does not refer to an operation of this execution.")
        size = utf8_len(update.get("Payload"))
        limit = MAX_OPERATION_PAYLOAD if op_type is OperationType.EXECUTION else MAX_ASYNC_PAYLOAD
        if size > limit:
            raise _bad(f"{where}.Payload is {size} bytes; the limit for {op_type} is {limit} bytes.")
        if _error_size(update.get("Error")) > MAX_ERROR_BYTES:
            raise _bad(f"{where}.Error fields exceed {MAX_ERROR_BYTES} bytes.")
        if op_type is OperationType.EXECUTION:
            continue
        existing = rec.ops.get(op_id)
        if op_id in working:
            current_type, status = working[op_id]
        elif existing is not None:
            current_type, status = OperationType(existing["Type"]), existing["Status"]
        else:
            current_type, status = op_type, ""
        if status and current_type is not op_type:
            raise _bad(f"{where}: operation {op_id} is a {current_type}, not a {op_type}.")
        working[op_id] = (op_type, _next_status(where, op_type, action, status, update))


def _next_status(where: str, op_type: OperationType, action: Action, status: str, update: Json) -> str:
    if status in TERMINAL_OPERATION_STATUSES:
        raise _bad(f"{where}: operation {update['Id']} is already {status}.")
    if action is Action.START:
        if op_type is OperationType.WAIT and not status:
            seconds = (update.get("WaitOptions") or {}).get("WaitSeconds")
            if not isinstance(seconds, int) or not 1 <= seconds <= MAX_WAIT_SECONDS:
                raise _bad(f"{where}.WaitOptions.WaitSeconds must be an integer 1-{MAX_WAIT_SECONDS}.")
        if op_type is OperationType.CALLBACK:
            options = update.get("CallbackOptions") or {}
            for key in ("TimeoutSeconds", "HeartbeatTimeoutSeconds"):
                value = options.get(key, 0)
                if not isinstance(value, int) or not 0 <= value <= MAX_CALLBACK_TIMEOUT:
                    raise _bad(f"{where}.CallbackOptions.{key} must be an integer 0-{MAX_CALLBACK_TIMEOUT}.")
        if op_type is OperationType.CHAINED_INVOKE and not (update.get("ChainedInvokeOptions") or {}).get(
            "FunctionName"
        ):
            raise _bad(f"{where}.ChainedInvokeOptions.FunctionName is required.")
        return OperationStatus.STARTED
    if not status:
        raise _bad(f"{where}: operation {update['Id']} must be started before {action}.")
    if action is Action.CANCEL:
        return OperationStatus.CANCELLED
    if action is Action.RETRY:
        delay = (update.get("StepOptions") or {}).get("NextAttemptDelaySeconds", 0)
        if not isinstance(delay, int) or not 0 <= delay <= MAX_WAIT_SECONDS:
            raise _bad(f"{where}.StepOptions.NextAttemptDelaySeconds must be an integer 1-{MAX_WAIT_SECONDS}.")
        return OperationStatus.PENDING
    return OperationStatus.SUCCEEDED if action is Action.SUCCEED else OperationStatus.FAILED


def apply(rec: ExecutionRecord, update: Json, now: datetime, hooks: CheckpointHooks) -> None:
    """Apply one validated update."""
    op_type = OperationType(update["Type"])
    action = Action(update["Action"])
    if op_type is OperationType.EXECUTION:
        if action is Action.SUCCEED:
            rec.pending_outcome = {"Status": "SUCCEEDED", "Result": update.get("Payload") or ""}
        else:
            rec.pending_outcome = {"Status": "FAILED", "Error": update.get("Error")}
        return
    op_id = update["Id"]
    op = rec.ops.get(op_id)
    if op is None:
        op = {"Id": op_id, "Type": op_type.value, "Status": OperationStatus.STARTED.value, "StartTimestamp": now}
        for key in ("ParentId", "Name", "SubType"):
            if update.get(key):
                op[key] = update[key]
        rec.ops[op_id] = op
        _start_new(rec, op, op_type, update, now=now, hooks=hooks)
        rec.dirty[op_id] = None
        return
    if action is Action.START:
        _restart(rec, op, now)
    elif action is Action.CANCEL:
        _cancel(rec, op, now)
    elif op_type is OperationType.STEP:
        _finish_step(rec, op, action, update, now=now, hooks=hooks)
    else:
        _finish_context(rec, op, action, update, now)
    rec.dirty[op_id] = None


def _start_new(
    rec: ExecutionRecord, op: Json, op_type: OperationType, update: Json, *, now: datetime, hooks: CheckpointHooks
) -> None:
    if op_type is OperationType.STEP:
        op["StepDetails"] = {"Attempt": 0}
        history.record_op(rec, op, "Started", now, {})
    elif op_type is OperationType.CONTEXT:
        history.record_op(rec, op, "Started", now, {})
    elif op_type is OperationType.WAIT:
        seconds = update["WaitOptions"]["WaitSeconds"]
        end = now + timedelta(seconds=seconds)
        op["WaitDetails"] = {"ScheduledEndTimestamp": end}
        rec.op_meta[op["Id"]] = {"Duration": seconds}
        history.record_op(rec, op, "Started", now, {"Duration": seconds, "ScheduledEndTimestamp": end})
        hooks.arm(rec, end, TimerKind.WAIT, op["Id"])
    elif op_type is OperationType.CALLBACK:
        options = update.get("CallbackOptions") or {}
        callback_id = encode_callback_id(rec.execution_id, op["Id"])
        op["CallbackDetails"] = {"CallbackId": callback_id}
        details: Json = {"CallbackId": callback_id}
        meta: Json = {}
        timeout = options.get("TimeoutSeconds") or 0
        heartbeat = options.get("HeartbeatTimeoutSeconds") or 0
        if heartbeat:
            details["HeartbeatTimeout"] = heartbeat
            meta["HeartbeatDeadline"] = now + timedelta(seconds=heartbeat)
            hooks.arm(rec, meta["HeartbeatDeadline"], TimerKind.CALLBACK_HEARTBEAT, op["Id"])
        if timeout:
            details["Timeout"] = timeout
            hooks.arm(rec, now + timedelta(seconds=timeout), TimerKind.CALLBACK_TIMEOUT, op["Id"])
        meta.update(Timeout=timeout, HeartbeatTimeout=heartbeat)
        rec.op_meta[op["Id"]] = meta
        rec.opened_callbacks.append(op["Id"])
        history.record_op(rec, op, "Started", now, details)
    elif op_type is OperationType.CHAINED_INVOKE:
        op["ChainedInvokeDetails"] = {}
        details = hooks.start_chained_invoke(rec, op, update)
        history.record_op(rec, op, "Started", now, details)


def _restart(rec: ExecutionRecord, op: Json, now: datetime) -> None:
    # A step leaves READY (or PENDING, if the SDK saw its retry time pass first) by being started
    # again for the next attempt. A START for an operation already STARTED is a replayed request:
    # nothing changes, so nothing is recorded.
    if op["Status"] in (OperationStatus.READY, OperationStatus.PENDING):
        op["Status"] = OperationStatus.STARTED.value
        op.get("StepDetails", {}).pop("NextAttemptTimestamp", None)
        history.record_op(rec, op, "Started", now, {})


def _cancel(rec: ExecutionRecord, op: Json, now: datetime) -> None:
    op["Status"] = OperationStatus.CANCELLED.value
    op["EndTimestamp"] = now
    if op["Type"] == OperationType.WAIT:
        history.record_op(rec, op, "Cancelled", now, {})


def _finish_step(
    rec: ExecutionRecord, op: Json, action: Action, update: Json, *, now: datetime, hooks: CheckpointHooks
) -> None:
    details = op.setdefault("StepDetails", {"Attempt": 0})
    details["Attempt"] = attempt = int(details.get("Attempt", 0)) + 1
    retry: Json = {"CurrentAttempt": attempt}
    payload = update.get("Payload")
    error = update.get("Error")
    if action is Action.RETRY:
        delay = int((update.get("StepOptions") or {}).get("NextAttemptDelaySeconds", 0))
        retry["NextAttemptDelaySeconds"] = delay
        next_attempt = now + timedelta(seconds=delay)
        op["Status"] = OperationStatus.PENDING.value
        details["NextAttemptTimestamp"] = next_attempt
        _set(details, "Result", payload)
        _set(details, "Error", error)
        if error is not None:
            history.record_op(rec, op, "Failed", now, {"Error": history.error_payload(error), "RetryDetails": retry})
        else:
            history.record_op(rec, op, "Succeeded", now, {"Result": history.payload(payload), "RetryDetails": retry})
        hooks.arm(rec, next_attempt, TimerKind.RETRY, op["Id"])
        return
    details.pop("NextAttemptTimestamp", None)
    op["EndTimestamp"] = now
    if action is Action.SUCCEED:
        op["Status"] = OperationStatus.SUCCEEDED.value
        _set(details, "Result", payload)
        details.pop("Error", None)
        history.record_op(rec, op, "Succeeded", now, {"Result": history.payload(payload), "RetryDetails": retry})
    else:
        op["Status"] = OperationStatus.FAILED.value
        _set(details, "Error", error)
        history.record_op(rec, op, "Failed", now, {"Error": history.error_payload(error), "RetryDetails": retry})


def _finish_context(rec: ExecutionRecord, op: Json, action: Action, update: Json, now: datetime) -> None:
    op["EndTimestamp"] = now
    details: Json = {}
    if (update.get("ContextOptions") or {}).get("ReplayChildren"):
        details["ReplayChildren"] = True
    if action is Action.SUCCEED:
        op["Status"] = OperationStatus.SUCCEEDED.value
        _set(details, "Result", update.get("Payload"))
        history.record_op(rec, op, "Succeeded", now, {"Result": history.payload(update.get("Payload"))})
    else:
        op["Status"] = OperationStatus.FAILED.value
        _set(details, "Error", update.get("Error"))
        history.record_op(rec, op, "Failed", now, {"Error": history.error_payload(update.get("Error"))})
    op["ContextDetails"] = details


def _set(target: Json, key: str, value: Any) -> None:
    if value is None:
        target.pop(key, None)
    else:
        target[key] = value
