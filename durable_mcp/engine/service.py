"""The durable execution service: the Lambda durable API, one method per operation.

Method names and keyword arguments are exactly boto3's Lambda client ones, inputs and outputs are
boto3-shaped dicts, so this object is a drop-in for ``boto3.client("lambda")`` in the inspection
code and in the SDK's own ``LambdaClient``; the HTTP endpoint translates each method 1:1.

Everything that mutates state runs under one re-entrant lock, so checkpoints may arrive from the
SDK's checkpoint thread or from HTTP threads while the driver runs an invocation. The driver
(``drive``) invokes handlers outside the lock.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

import structlog

from durable_mcp.engine import checkpoint, history
from durable_mcp.engine.clock import Clock
from durable_mcp.engine.errors import (
    CallbackTimeoutException,
    DurableExecutionAlreadyStartedException,
    InvalidCheckpointToken,
    InvalidParameterValueException,
    RequestTooLargeException,
    ResourceConflictException,
    ResourceNotFoundException,
)
from durable_mcp.engine.execution import ExecutionRecord
from durable_mcp.engine.functions import DEFAULT_EXECUTION_TIMEOUT_S, RegisteredFunction, parse_function_name
from durable_mcp.engine.invoker import FunctionCaller, InvocationFailed, Invoker, InvokerFactory, invalid_output
from durable_mcp.engine.model import (
    DEFAULT_HISTORY_PAGE,
    DEFAULT_STATE_PAGE,
    EXECUTION_NAME_PATTERN,
    LATEST,
    MAX_ASYNC_PAYLOAD,
    MAX_CALLBACK_RESULT,
    MAX_EXECUTION_TIMEOUT,
    MAX_PAGE_ITEMS,
    MAX_SYNC_PAYLOAD,
    ExecutionStatus,
    Json,
    OperationStatus,
    OperationType,
    copy_operation,
    decode_callback_id,
    execution_arn,
    function_arn,
    new_execution_id,
    utf8_len,
)
from durable_mcp.engine.paging import first_page, page_bounds, replay_state
from durable_mcp.engine.store.base import ExecutionStore, ExecutionSummary, StoreConflict
from durable_mcp.engine.store.memory import MemoryStore
from durable_mcp.engine.stubs import stub_outcome
from durable_mcp.engine.timers import Timer, TimerHeap, TimerKind

log = structlog.get_logger()

DEFAULT_INVOCATION_TIMEOUT_S = 900.0
# Failed invocations (crash, timeout, invalid output) are retried after a growing backoff in modelled
# time; after this many consecutive failures the execution fails with the last error. Lambda allows
# about nine; locally a hung handler costs real time per attempt, hence a smaller default.
DEFAULT_MAX_FAILED_INVOCATIONS = 3
INVOCATION_RETRY_BACKOFF_S = 5
# An invocation answering PENDING with nothing that could ever wake it is retried this often.
MAX_INVALID_PENDING = 3
_CLIENT_TOKENS_KEPT = 64

CallbackAnswer = tuple[str, Any]
"""("succeed", bytes) | ("fail", ErrorObject dict) | ("heartbeat", None)."""
CallbackHandler = Callable[[str, Json], CallbackAnswer | None]
"""Called with (execution ARN, CALLBACK operation) after the invocation that created it ends."""


class DurableService:
    def __init__(
        self,
        store: ExecutionStore | None = None,
        *,
        real_time: bool = False,
        invocation_timeout_s: float = DEFAULT_INVOCATION_TIMEOUT_S,
        invoker_factory: InvokerFactory | None = None,
        max_failed_invocations: int = DEFAULT_MAX_FAILED_INVOCATIONS,
    ) -> None:
        self.store: ExecutionStore = store if store is not None else MemoryStore()
        self.clock = Clock(real_time=real_time, offset=self.store.load_clock_offset())
        self.invocation_timeout_s = invocation_timeout_s
        self.max_failed_invocations = max(1, max_failed_invocations)
        self.callback_handler: CallbackHandler | None = None
        self.on_event: Callable[[str, Json], None] | None = None
        # Builds an invoker from a stored handler reference, so executions of a previous process
        # can be resumed (e.g. when a callback arrives hours later).
        self.invoker_factory = invoker_factory
        self._lock = threading.RLock()
        self._wake = threading.Condition(self._lock)
        self._records: dict[str, ExecutionRecord] = {}
        self._by_id: dict[str, str] = {}
        self._by_name: dict[tuple[str, str], str] = {}
        self._children: dict[str, list[str]] = {}
        self._functions: dict[str, RegisteredFunction] = {}
        self._timers = TimerHeap()
        self._due: deque[str] = deque()
        # Executions due for an invocation whose function this process does not know (no handler
        # registered, none stored to rebuild): they keep their state and wait, by function name, until
        # the function is registered, instead of being failed for a gap in this process's registry.
        self._parked: dict[str, set[str]] = {}
        # Chained invokes of standard functions (or stubbed ones) to answer: (execution ARN, operation id).
        self._calls: deque[tuple[str, str]] = deque()
        # Executions with callbacks to offer to callback_handler or chained invokes to fail once
        # their invocation ends, so the driver never scans every record.
        self._attention: dict[str, None] = {}
        # Ended executions past their retention period are gone, as in the service.
        self.store.purge_expired(self.clock.time())
        self._recover()

    # ------------------------------------------------------------------ registry

    def register_function(
        self,
        name: str,
        invoker: Invoker,
        *,
        version: str = "1",
        aliases: Iterable[str] = ("live",),
        execution_timeout_s: int = DEFAULT_EXECUTION_TIMEOUT_S,
        retention_days: int = 14,
        handler_ref: str | None = None,
        stub_steps: Json | None = None,
        stub_invokes: Json | None = None,
        caller: FunctionCaller | None = None,
    ) -> RegisteredFunction:
        """Register (or replace) a function; executions that were waiting for it are due again.

        With ``caller`` it is a standard (not durable) function: chained invokes call it once.
        """
        if not 1 <= execution_timeout_s <= MAX_EXECUTION_TIMEOUT:
            raise InvalidParameterValueException(f"ExecutionTimeout must be 1-{MAX_EXECUTION_TIMEOUT} seconds.")
        fn = RegisteredFunction(
            name, invoker, version, tuple(aliases), execution_timeout_s, retention_days, handler_ref, stub_steps,
            stub_invokes, caller,
        )
        with self._lock:
            self._functions[name] = fn
            for arn in sorted(self._parked.pop(name, ())):
                self._due.append(arn)
            self._wake.notify_all()
        return fn

    def function(self, name: str) -> RegisteredFunction | None:
        return self._functions.get(name)

    def waiting_for(self, function_name: str) -> list[str]:
        """Executions owed an invocation that wait for ``function_name`` to be registered."""
        with self._lock:
            return sorted(self._parked.get(function_name, ()))

    def waiting_for_function(self, arn: str) -> str | None:
        """The function name an execution waits for when it is owed an invocation that this process
        cannot run (its function is not registered here), else None."""
        with self._lock:
            rec = self._records.get(arn)
            if rec is None or rec.terminal or arn not in self._parked.get(rec.function_name, ()):
                return None
            return rec.function_name

    # ------------------------------------------------------------------ records

    def _recover(self) -> None:
        """Reload unfinished executions from the store and re-arm their timers."""
        for arn in self.store.unfinished():
            rec = self._load(arn)
            if rec is None:
                continue
            self._rearm(rec)
            if rec.token_live:
                # The process died during an invocation: that invocation is lost, its token too.
                rec.token_live = False
                rec.rotate_token()
                rec.invoke_due = True
            if rec.invoke_due:
                self._due.append(rec.arn)
            for op_id, meta in rec.op_meta.items():
                if "Call" in meta and rec.ops.get(op_id, {}).get("Status") == OperationStatus.STARTED:
                    self._calls.append((rec.arn, op_id))
            if rec.pending_children or rec.opened_callbacks:
                self._attention[rec.arn] = None

    def _rearm(self, rec: ExecutionRecord) -> None:
        deadline = rec.start + timedelta(seconds=rec.timeout_s + rec.timeout_extension_s)
        self._timers.arm(deadline.timestamp(), rec.arn, TimerKind.EXECUTION_TIMEOUT)
        for op_id, op in rec.ops.items():
            status = op["Status"]
            if op["Type"] == OperationType.WAIT and status == OperationStatus.STARTED:
                self._timers.arm(op["WaitDetails"]["ScheduledEndTimestamp"].timestamp(), rec.arn, TimerKind.WAIT, op_id)
            elif op["Type"] == OperationType.STEP and status == OperationStatus.PENDING:
                when = op["StepDetails"]["NextAttemptTimestamp"].timestamp()
                self._timers.arm(when, rec.arn, TimerKind.RETRY, op_id)
            elif op["Type"] == OperationType.CALLBACK and status == OperationStatus.STARTED:
                meta = rec.op_meta.get(op_id, {})
                if meta.get("Timeout"):
                    due = op["StartTimestamp"] + timedelta(seconds=meta["Timeout"])
                    self._timers.arm(due.timestamp(), rec.arn, TimerKind.CALLBACK_TIMEOUT, op_id)
                if meta.get("HeartbeatDeadline"):
                    due_hb = meta["HeartbeatDeadline"].timestamp()
                    self._timers.arm(due_hb, rec.arn, TimerKind.CALLBACK_HEARTBEAT, op_id)
        if rec.failed_invocations and not rec.invoke_due:
            self._timers.arm(self.clock.time(), rec.arn, TimerKind.REINVOKE)

    def _load(self, arn: str) -> ExecutionRecord | None:
        rec = self._records.get(arn)
        if rec is None:
            rec = self.store.load(arn)
            if rec is None:
                return None
            self._cache(rec)
        return rec

    def _cache(self, rec: ExecutionRecord) -> None:
        self._records[rec.arn] = rec
        self._by_id[rec.execution_id] = rec.arn
        self._by_name[(rec.function_name, rec.name)] = rec.arn
        if rec.parent_arn:
            children = self._children.setdefault(rec.parent_arn, [])
            if rec.arn not in children:
                children.append(rec.arn)

    def _evict(self, rec: ExecutionRecord) -> None:
        self._records.pop(rec.arn, None)
        self._by_id.pop(rec.execution_id, None)
        self._by_name.pop((rec.function_name, rec.name), None)

    def _get(self, arn: str) -> ExecutionRecord:
        if not isinstance(arn, str):
            raise InvalidParameterValueException("DurableExecutionArn is required.")
        rec = self._load(arn)
        if rec is None:
            raise ResourceNotFoundException(f"Durable execution not found: {arn}")
        return rec

    def record(self, arn: str) -> ExecutionRecord:
        """The live record of an execution (read-only use: inspection, tests)."""
        with self._lock:
            return self._get(arn)

    def _commit(self, rec: ExecutionRecord, op_ids: Iterable[str], first_event: int) -> None:
        new_events = rec.events[first_event:]
        try:
            self.store.commit(rec, op_ids, new_events)
        except StoreConflict:
            # Another process owns this execution now: forget our copy (the next access reloads it)
            # and refuse the change rather than overwrite theirs.
            self._evict(rec)
            raise ResourceConflictException(
                f"Durable execution {rec.arn} was changed by another process using the same store; retry."
            ) from None
        if self.on_event is not None:
            for event in new_events:
                self._notify(rec.arn, event)
        self._wake.notify_all()

    def _notify(self, arn: str, event: Json) -> None:
        if self.on_event is None:
            return
        try:
            self.on_event(arn, event)
        except Exception as exc:  # a faulty progress hook must not break a commit
            log.warning("progress hook raised", error_type=type(exc).__name__)

    def _mark_due(self, rec: ExecutionRecord) -> None:
        if not rec.invoke_due:
            rec.invoke_due = True
            self._due.append(rec.arn)
        self._wake.notify_all()

    # ------------------------------------------------------------------ timers (CheckpointHooks)

    def arm(self, rec: ExecutionRecord, due: datetime, kind: TimerKind, operation_id: str = "") -> None:
        self._timers.arm(due.timestamp(), rec.arn, kind, operation_id)
        self._wake.notify_all()

    def _fire_due(self) -> None:
        for timer in self._timers.pop_due(self.clock.time()):
            rec = self._load(timer.arn)
            if rec is None or rec.terminal:
                continue
            first = len(rec.events)
            changed = self._fire(rec, timer)
            if changed is not None:
                self._commit(rec, changed, first)

    def _fire(self, rec: ExecutionRecord, timer: Timer) -> list[str] | None:
        now = self.clock.now()
        if timer.kind is TimerKind.EXECUTION_TIMEOUT:
            deadline = rec.start + timedelta(seconds=rec.timeout_s + rec.timeout_extension_s)
            if rec.pause and rec.pause.get("ExecutionTimeoutPaused"):
                return None  # re-armed on resume
            if deadline.timestamp() > timer.due:
                self._timers.arm(deadline.timestamp(), rec.arn, TimerKind.EXECUTION_TIMEOUT)
                return None
            # The service reports no error details for an execution timeout.
            return self._complete(rec, ExecutionStatus.TIMED_OUT)
        if timer.kind is TimerKind.REINVOKE:
            self._mark_due(rec)
            return []
        op = rec.ops.get(timer.operation_id)
        if op is None:
            return None
        if timer.kind is TimerKind.WAIT and op["Status"] == OperationStatus.STARTED:
            op["Status"] = OperationStatus.SUCCEEDED.value
            op["EndTimestamp"] = now
            duration = rec.op_meta.get(op["Id"], {}).get("Duration")
            history.record_op(rec, op, "Succeeded", now, {"Duration": duration})
        elif timer.kind is TimerKind.RETRY and op["Status"] == OperationStatus.PENDING:
            op["Status"] = OperationStatus.READY.value
        elif timer.kind is TimerKind.CALLBACK_TIMEOUT and op["Status"] == OperationStatus.STARTED:
            self._time_out_callback(rec, op, now, "Callback.Timeout", "Callback timed out")
        elif timer.kind is TimerKind.CALLBACK_HEARTBEAT and op["Status"] == OperationStatus.STARTED:
            heartbeat_deadline: datetime | None = rec.op_meta.get(op["Id"], {}).get("HeartbeatDeadline")
            if heartbeat_deadline is None or heartbeat_deadline.timestamp() > timer.due:
                return None
            self._time_out_callback(rec, op, now, "Callback.Heartbeat", "Callback timed out on heartbeat")
        else:
            return None
        self._touch_async(rec, op["Id"])
        return [op["Id"]]

    def _time_out_callback(self, rec: ExecutionRecord, op: Json, now: datetime, kind: str, message: str) -> None:
        error = {"ErrorType": kind, "ErrorMessage": message}
        op["Status"] = OperationStatus.TIMED_OUT.value
        op["EndTimestamp"] = now
        op["CallbackDetails"]["Error"] = error
        history.record_op(rec, op, "TimedOut", now, {"Error": history.error_payload(error)})

    def _touch_async(self, rec: ExecutionRecord, op_id: str) -> None:
        """An operation changed outside any checkpoint: tell the handler and re-invoke it."""
        rec.dirty[op_id] = None
        if op_id not in rec.updated_ids:
            rec.updated_ids.append(op_id)
        self._mark_due(rec)

    # ------------------------------------------------------------------ execution life-cycle

    def start_execution(
        self,
        function_name: str,
        payload: str | None,
        *,
        qualifier: str | None = None,
        execution_name: str | None = None,
        execution_timeout_s: int | None = None,
        parent: tuple[str, str] | None = None,
    ) -> ExecutionRecord:
        """Create an execution of a registered function and queue its first invocation."""
        with self._lock:
            fn = self._functions.get(function_name)
            if fn is None:
                raise ResourceNotFoundException(f"Function not found: {function_arn(function_name)}")
            version = fn.resolve(qualifier)
            if fn.caller is not None:
                raise InvalidParameterValueException(
                    f"Function {function_name} is not a durable function: it has no durable execution to start."
                )
            name = execution_name or str(uuid.uuid4())
            if not EXECUTION_NAME_PATTERN.fullmatch(name):
                raise InvalidParameterValueException("DurableExecutionName must match [a-zA-Z0-9-_]{1,64}.")
            if utf8_len(payload) > MAX_SYNC_PAYLOAD:
                raise RequestTooLargeException(
                    f"Input payload is {utf8_len(payload)} bytes; the limit is {MAX_SYNC_PAYLOAD} bytes."
                )
            timeout = execution_timeout_s or fn.execution_timeout_s
            if not 1 <= timeout <= MAX_EXECUTION_TIMEOUT:
                raise InvalidParameterValueException(f"ExecutionTimeout must be 1-{MAX_EXECUTION_TIMEOUT} seconds.")
            execution_id = new_execution_id()
            arn = execution_arn(function_name, version, name, execution_id)
            now = self.clock.now()
            rec = ExecutionRecord(
                arn=arn,
                execution_id=execution_id,
                name=name,
                function_name=function_name,
                version=version,
                input_payload=payload,
                timeout_s=timeout,
                retention_days=fn.retention_days,
                start=now,
                handler_ref=fn.handler_ref,
                stub_steps=fn.stub_steps,
                stub_invokes=fn.stub_invokes,
                parent_arn=parent[0] if parent else None,
                parent_operation_id=parent[1] if parent else None,
            )
            exec_op: Json = {
                "Id": execution_id,
                "Type": OperationType.EXECUTION.value,
                "Status": OperationStatus.STARTED.value,
                "Name": name,
                "StartTimestamp": now,
                "ExecutionDetails": {"InputPayload": payload} if payload is not None else {},
            }
            rec.ops[execution_id] = exec_op
            history.record(
                rec,
                "ExecutionStarted",
                now,
                {"Input": history.payload(payload), "ExecutionTimeout": timeout},
                exec_op,
            )
            rec.invoke_due = True
            self.store.insert(rec)
            self._cache(rec)
            self._due.append(arn)
            self._timers.arm(now.timestamp() + timeout, arn, TimerKind.EXECUTION_TIMEOUT)
            self._notify(arn, rec.events[0])
            self._wake.notify_all()
            return rec

    def _complete(
        self, rec: ExecutionRecord, status: ExecutionStatus, *, result: str | None = None, error: Json | None = None
    ) -> list[str]:
        """End the execution; returns the changed operation ids (the EXECUTION op)."""
        now = self.clock.now()
        rec.status = status.value
        rec.end = now
        rec.result = result
        rec.error = error
        rec.invoke_due = False
        if rec.token_live:
            rec.token_live = False
            rec.rotate_token()
        exec_op = rec.ops[rec.execution_id]
        exec_op["Status"] = {
            ExecutionStatus.SUCCEEDED: OperationStatus.SUCCEEDED,
            ExecutionStatus.FAILED: OperationStatus.FAILED,
            ExecutionStatus.TIMED_OUT: OperationStatus.TIMED_OUT,
            ExecutionStatus.STOPPED: OperationStatus.STOPPED,
        }[status].value
        exec_op["EndTimestamp"] = now
        suffix = {
            ExecutionStatus.SUCCEEDED: "Succeeded",
            ExecutionStatus.FAILED: "Failed",
            ExecutionStatus.TIMED_OUT: "TimedOut",
            ExecutionStatus.STOPPED: "Stopped",
        }[status]
        details: Json = {}
        if status is ExecutionStatus.SUCCEEDED:
            details["Result"] = history.payload(result)
        elif error is not None:
            details["Error"] = history.error_payload(error)
        history.record(rec, "Execution" + suffix, now, details, exec_op)
        if rec.parent_arn and rec.parent_operation_id:
            self._finish_chained_invoke(rec, status, now)
        return [rec.execution_id]

    # ------------------------------------------------------------------ chained invokes

    def start_chained_invoke(self, rec: ExecutionRecord, op: Json, update: Json) -> Json:
        options = update.get("ChainedInvokeOptions") or {}
        payload = update.get("Payload")
        details: Json = {"FunctionName": options["FunctionName"]}
        if options.get("TenantId"):
            details["TenantId"] = options["TenantId"]
        details["Input"] = history.payload(payload)
        try:
            name, qualifier = parse_function_name(options["FunctionName"], None)
            target = self._functions.get(name)
            stubbed = name in (rec.stub_invokes or {})
            if stubbed or (target is not None and target.caller is not None):
                # A stub or a standard function: answered by one call once this invocation has ended.
                details["ExecutedVersion"] = LATEST if stubbed or target is None else target.resolve(qualifier)
                rec.op_meta[op["Id"]] = {"Call": {"Function": name, "Payload": payload, "Stub": stubbed}}
                self._calls.append((rec.arn, op["Id"]))
                return details
            child = self.start_execution(
                name, payload, qualifier=qualifier, execution_name=None, parent=(rec.arn, op["Id"])
            )
        except (ResourceNotFoundException, InvalidParameterValueException) as exc:
            rec.op_meta[op["Id"]] = {"StartError": {"ErrorType": exc.code, "ErrorMessage": exc.message}}
            rec.pending_children.append(op["Id"])
            return details
        rec.op_meta[op["Id"]] = {"ChildArn": child.arn}
        details["ExecutedVersion"] = child.version
        details["DurableExecutionArn"] = child.arn
        return details

    def _finish_chained_invoke(self, child: ExecutionRecord, status: ExecutionStatus, now: datetime) -> None:
        parent = self._load(child.parent_arn or "")
        if parent is None or parent.terminal:
            return
        op = parent.ops.get(child.parent_operation_id or "")
        if op is None or op["Status"] != OperationStatus.STARTED:
            return
        first = len(parent.events)
        suffix = {
            ExecutionStatus.SUCCEEDED: "Succeeded",
            ExecutionStatus.FAILED: "Failed",
            ExecutionStatus.TIMED_OUT: "TimedOut",
            ExecutionStatus.STOPPED: "Stopped",
        }[status]
        self._settle_chained_invoke(parent, op, suffix, now=now, result=child.result, error=child.error)
        self._commit(parent, [op["Id"]], first)

    def _settle_chained_invoke(
        self,
        parent: ExecutionRecord,
        op: Json,
        suffix: str,
        *,
        now: datetime,
        result: str | None = None,
        error: Json | None = None,
    ) -> None:
        op["Status"] = {
            "Succeeded": OperationStatus.SUCCEEDED,
            "Failed": OperationStatus.FAILED,
            "TimedOut": OperationStatus.TIMED_OUT,
            "Stopped": OperationStatus.STOPPED,
        }[suffix].value
        op["EndTimestamp"] = now
        if suffix == "Succeeded":
            op["ChainedInvokeDetails"] = {"Result": result} if result is not None else {}
            details = {"Result": history.payload(result)}
        else:
            op["ChainedInvokeDetails"] = {"Error": error} if error is not None else {}
            details = {"Error": history.error_payload(error)}
        history.record_op(parent, op, suffix, now, details)
        self._touch_async(parent, op["Id"])

    def _fail_unstartable_children(self, rec: ExecutionRecord) -> None:
        """Chained invokes whose target could not start fail once the invocation has ended."""
        if not rec.pending_children or rec.token_live:
            return
        first = len(rec.events)
        now = self.clock.now()
        changed = []
        for op_id in rec.pending_children:
            op = rec.ops[op_id]
            if op["Status"] == OperationStatus.STARTED:
                error = rec.op_meta.get(op_id, {}).get("StartError")
                self._settle_chained_invoke(rec, op, "Failed", now=now, error=error)
                changed.append(op_id)
        rec.pending_children = []
        self._commit(rec, changed, first)

    def _pop_call(self, arns: set[str] | None) -> tuple[str, str] | None:
        """A chained invoke of a standard or stubbed function whose invocation has ended, in scope."""
        for _ in range(len(self._calls)):
            arn, op_id = self._calls.popleft()
            rec = self._records.get(arn)
            if rec is None or rec.terminal or rec.ops.get(op_id, {}).get("Status") != OperationStatus.STARTED:
                continue
            if rec.token_live or (arns is not None and arn not in arns):
                self._calls.append((arn, op_id))
                continue
            return arn, op_id
        return None

    def _answer_call(self, arn: str, op_id: str) -> None:
        """Call the standard function (or read the stub) a chained invoke names, outside the lock, and
        settle the operation with its response or its error."""
        with self._lock:
            rec = self._get(arn)
            call = rec.op_meta[op_id]["Call"]
            target = self._functions.get(call["Function"])
            stubs = rec.stub_invokes or {}
        result: str | None = None
        error: Json | None = None
        if call.get("Stub"):
            result, error = stub_outcome(stubs.get(call["Function"]))
        elif target is None or target.caller is None:
            error = {"ErrorType": "ResourceNotFoundException",
                     "ErrorMessage": f"Function not found: {function_arn(call['Function'])}"}
        else:
            try:
                result = target.caller.call(call.get("Payload"), timeout_s=self.invocation_timeout_s)
            except InvocationFailed as exc:
                error = exc.error
            except Exception as exc:  # the engine must survive any caller bug
                error = {"ErrorType": type(exc).__name__, "ErrorMessage": str(exc)}
        with self._lock:
            rec = self._get(arn)
            op = rec.ops.get(op_id)
            if rec.terminal or op is None or op["Status"] != OperationStatus.STARTED:
                return
            first = len(rec.events)
            if error is None:
                self._settle_chained_invoke(rec, op, "Succeeded", now=self.clock.now(), result=result)
            else:
                self._settle_chained_invoke(rec, op, "Failed", now=self.clock.now(), error=error)
            self._commit(rec, [op_id], first)

    # ------------------------------------------------------------------ invocations

    def _invoker_for(self, rec: ExecutionRecord) -> Invoker | None:
        fn = self._functions.get(rec.function_name)
        if fn is None and rec.handler_ref and self.invoker_factory is not None:
            try:
                invoker = self.invoker_factory(rec.handler_ref, rec.stub_steps)
            except Exception as exc:
                # As in Lambda, a handler that cannot be loaded fails the invocation (and is retried),
                # not the service; it is not registered, so a fixed file is picked up next time.
                return _Unloadable({"ErrorType": "Runtime.ImportModuleError", "ErrorMessage": str(exc)})
            fn = self.register_function(
                rec.function_name, invoker, handler_ref=rec.handler_ref, stub_steps=rec.stub_steps
            )
        return None if fn is None else fn.invoker

    def _begin_invocation(self, rec: ExecutionRecord) -> tuple[Invoker, Json] | None:
        rec.invoke_due = False
        if rec.terminal or rec.token_live or rec.status in (ExecutionStatus.PAUSED, ExecutionStatus.PAUSING):
            return None
        invoker = self._invoker_for(rec)
        if invoker is None:
            rec.invoke_due = True  # still owed an invocation: it runs once the function is registered
            parked = self._parked.setdefault(rec.function_name, set())
            if rec.arn not in parked:
                parked.add(rec.arn)
                log.warning("execution waits for its function", function=rec.function_name, execution=rec.arn)
            return None
        token = rec.rotate_token()
        rec.token_live = True
        rec.invocation_start = self.clock.now()
        rec.request_id = str(uuid.uuid4())
        operations, next_marker = first_page(replay_state(rec))
        event: Json = {
            "DurableExecutionArn": rec.arn,
            "CheckpointToken": token,
            "InitialExecutionState": {"Operations": operations, "NextMarker": next_marker},
            "UpdatedOperationIds": list(rec.updated_ids),
        }
        rec.updated_ids = []
        rec.dirty.clear()
        self._commit(rec, (), len(rec.events))
        return invoker, event

    def invoke_once(self, arn: str) -> bool:
        """Run one invocation of the execution if it can run now; True if one ran."""
        with self._lock:
            rec = self._get(arn)
            begun = self._begin_invocation(rec)
        if begun is None:
            return False
        invoker, event = begun
        output: Json | None = None
        failure: Json | None = None
        try:
            output = invoker.invoke(event, timeout_s=self.invocation_timeout_s)
        except InvocationFailed as exc:
            failure = exc.error
        except Exception as exc:  # the engine must survive any invoker bug
            log.warning("invoker raised", error_type=type(exc).__name__)
            failure = {"ErrorType": "Runtime.ExitError", "ErrorMessage": f"{type(exc).__name__}: {exc}"}
        with self._lock:
            self._end_invocation(rec, output, failure)
        return True

    def _end_invocation(self, rec: ExecutionRecord, output: Json | None, failure: Json | None) -> None:
        first = len(rec.events)
        now = self.clock.now()
        was_live = rec.token_live
        if rec.token_live:
            rec.token_live = False
            rec.rotate_token()
        if failure is None:
            failure = invalid_output(output)
        details: Json = {
            "StartTimestamp": rec.invocation_start,
            "EndTimestamp": now,
            "RequestId": rec.request_id,
        }
        if failure is not None:
            details["Error"] = history.error_payload(failure)
        history.record(rec, "InvocationCompleted", now, details)
        changed: list[str] = []
        status = (output or {}).get("Status")
        if rec.terminal or not was_live:
            pass
        elif rec.pending_outcome is not None:
            outcome = rec.pending_outcome
            rec.pending_outcome = None
            if outcome["Status"] == "SUCCEEDED":
                changed = self._complete(rec, ExecutionStatus.SUCCEEDED, result=outcome.get("Result"))
            else:
                changed = self._complete(rec, ExecutionStatus.FAILED, error=outcome.get("Error"))
        elif failure is not None:
            rec.failed_invocations += 1
            if rec.failed_invocations >= self.max_failed_invocations:
                changed = self._complete(rec, ExecutionStatus.FAILED, error=failure)
            else:
                backoff = INVOCATION_RETRY_BACKOFF_S * 2 ** (rec.failed_invocations - 1)
                self._timers.arm(now.timestamp() + backoff, rec.arn, TimerKind.REINVOKE)
        elif status == "SUCCEEDED":
            rec.failed_invocations = 0
            assert output is not None
            changed = self._complete(rec, ExecutionStatus.SUCCEEDED, result=output.get("Result"))
        elif status == "FAILED":
            rec.failed_invocations = 0
            assert output is not None
            changed = self._complete(rec, ExecutionStatus.FAILED, error=output.get("Error"))
        else:
            rec.failed_invocations = 0
            changed = self._after_pending(rec)
        self._commit(rec, changed, first)

    def _after_pending(self, rec: ExecutionRecord) -> list[str]:
        if rec.status == ExecutionStatus.PAUSING:
            rec.status = ExecutionStatus.PAUSED.value
            rec.pause_requested = False
            return []
        if rec.updated_ids or rec.dirty:
            # Something changed during the invocation that it may not have seen: replay.
            for op_id in rec.dirty:
                if op_id not in rec.updated_ids:
                    rec.updated_ids.append(op_id)
            rec.dirty.clear()
            self._mark_due(rec)
            rec.invalid_pending = 0
            return []
        if self._can_wake(rec):
            rec.invalid_pending = 0
            return []
        rec.invalid_pending += 1
        if rec.invalid_pending >= MAX_INVALID_PENDING:
            error = {
                "ErrorType": "InvalidInvocationOutput",
                "ErrorMessage": "The handler returned PENDING but the execution has no pending operation "
                "(wait, retry, callback or chained invoke) that could resume it.",
            }
            return self._complete(rec, ExecutionStatus.FAILED, error=error)
        self._mark_due(rec)
        return []

    def _can_wake(self, rec: ExecutionRecord) -> bool:
        for op in rec.ops.values():
            kind, status = op["Type"], op["Status"]
            if status in (OperationStatus.PENDING, OperationStatus.READY):
                return True
            if status == OperationStatus.STARTED and kind in (
                OperationType.WAIT,
                OperationType.CALLBACK,
                OperationType.CHAINED_INVOKE,
            ):
                return True
        return False

    # ------------------------------------------------------------------ driver

    def scope_of(self, arn: str) -> set[str]:
        """The execution and every execution it started by chained invoke, transitively."""
        with self._lock:
            scope = {arn}
            stack = [arn]
            while stack:
                for child in self._children.get(stack.pop(), ()):
                    if child not in scope:
                        scope.add(child)
                        stack.append(child)
            return scope

    def _pop_due(self, arns: set[str] | None) -> str | None:
        for _ in range(len(self._due)):
            arn = self._due.popleft()
            rec = self._records.get(arn)
            if rec is None or not rec.invoke_due or rec.terminal:
                continue
            if rec.status in (ExecutionStatus.PAUSED, ExecutionStatus.PAUSING) or rec.token_live:
                self._due.append(arn)
                continue
            if arns is not None and arn not in arns:
                self._due.append(arn)
                continue
            return arn
        return None

    def _settle_attention(self, arns: set[str] | None) -> None:
        """After an invocation ends: fail chained invokes that could not start, answer callbacks."""
        for arn in list(self._attention):
            rec = self._records.get(arn)
            if rec is None or rec.terminal:
                self._attention.pop(arn, None)
                continue
            if rec.token_live or (arns is not None and arn not in arns):
                continue
            self._attention.pop(arn, None)
            self._fail_unstartable_children(rec)
            opened, rec.opened_callbacks = rec.opened_callbacks, []
            if self.callback_handler is not None:
                self._answer_callbacks(rec, opened, self.callback_handler)

    def _answer_callbacks(self, rec: ExecutionRecord, opened: list[str], handler: CallbackHandler) -> None:
        for op_id in opened:
            op = rec.ops.get(op_id)
            if op is None or op["Status"] != OperationStatus.STARTED:
                continue
            try:
                answer = handler(rec.arn, copy_operation(op))
                if answer is not None:
                    self._apply_answer(op["CallbackDetails"]["CallbackId"], answer)
            except Exception as exc:  # a faulty hook or answer must not take the engine down
                log.warning("callback answer failed", error_type=type(exc).__name__, error=str(exc)[:200])

    def _apply_answer(self, callback_id: str, answer: CallbackAnswer) -> None:
        verb, value = answer
        if verb == "succeed":
            self.send_durable_execution_callback_success(CallbackId=callback_id, Result=value)
        elif verb == "fail":
            self.send_durable_execution_callback_failure(CallbackId=callback_id, Error=value)
        else:
            self.send_durable_execution_callback_heartbeat(CallbackId=callback_id)

    def _has_open_callback(self, arns: set[str] | None) -> bool:
        for rec in self._records.values():
            if rec.terminal or (arns is not None and rec.arn not in arns):
                continue
            for op in rec.ops.values():
                if op["Type"] == OperationType.CALLBACK and op["Status"] == OperationStatus.STARTED:
                    return True
        return False

    def drive(
        self,
        arn: str | None = None,
        *,
        stop_on_open_callback: bool = True,
        advance_seconds: float | None = None,
    ) -> None:
        """Run invocations and fire timers until the work in scope is done or waiting.

        Scope is ``arn`` and its chained-invoke children (everything when None). When only timers
        remain, the virtual clock jumps to the next one (real time: sleeps). It returns when every
        execution in scope has ended, when nothing is scheduled, when a callback is open and
        ``stop_on_open_callback`` is set (someone outside must answer it), or once the clock has
        moved ``advance_seconds``. The execution timeout alone never makes the clock jump: an
        execution waiting only on the outside world does not time out while idle.
        """
        budget_end = None if advance_seconds is None else self.clock.time() + max(0.0, advance_seconds)
        while True:
            try:
                with self._lock:
                    arns = None if arn is None else self.scope_of(arn)
                    self._fire_due()
                    self._settle_attention(arns)
                    call = self._pop_call(arns)
                    due_arn = None if call is not None else self._pop_due(arns)
                if call is not None:
                    self._answer_call(*call)
                    continue
                if due_arn is not None:
                    self.invoke_once(due_arn)
                    continue
            except ResourceConflictException as exc:
                # Another process took an execution over; our copy is gone, carry on with the rest.
                log.warning("execution changed elsewhere", error=exc.message)
                continue
            with self._lock:
                arns = None if arn is None else self.scope_of(arn)
                if arns is not None and all(self._records[a].terminal for a in arns if a in self._records):
                    return
                upcoming = self._timers.next_due(arns, skip_kinds=frozenset({TimerKind.EXECUTION_TIMEOUT}))
                if upcoming is None:
                    if budget_end is not None:
                        self._advance(budget_end)  # the time passes even when nothing is scheduled
                    return
                if stop_on_open_callback and self._has_open_callback(arns):
                    return
                if budget_end is not None and upcoming > budget_end:
                    self._advance(budget_end)
                    return
                self._advance(upcoming)

    def _advance(self, target: float) -> None:
        """Move to ``target``: jump the virtual clock, or sleep in real time (woken by news)."""
        if self.clock.real_time:
            remaining = target - self.clock.time()
            if remaining > 0:
                self._wake.wait(timeout=remaining)
            return
        self.clock.advance_to(target)
        self.store.save_clock_offset(self.clock.offset)

    def wait_for_news(self, timeout: float) -> None:
        """Block until something changes (a background driver's idle wait)."""
        with self._lock:
            self._wake.wait(timeout=timeout)

    # ------------------------------------------------------------------ checkpoint API

    def checkpoint_durable_execution(
        self,
        *,
        DurableExecutionArn: str,
        CheckpointToken: str,
        Updates: list[Json] | None = None,
        ClientToken: str | None = None,
    ) -> Json:
        with self._lock:
            rec = self._get(DurableExecutionArn)
            if ClientToken is not None and ClientToken in rec.client_tokens:
                return rec.client_tokens[ClientToken]
            self._check_token(rec, CheckpointToken)
            updates = list(Updates or [])
            checkpoint.validate(rec, updates)
            first = len(rec.events)
            now = self.clock.now()
            touched: dict[str, None] = {}
            ends_execution = False
            for update in updates:
                checkpoint.apply(rec, update, now, self)
                if update["Type"] == OperationType.EXECUTION:
                    ends_execution = True
                else:
                    touched[update["Id"]] = None
            if rec.opened_callbacks or rec.pending_children:
                self._attention[rec.arn] = None
            next_token = rec.rotate_token()
            self._commit(rec, touched, first)
            # Timers due by now (a wait inside a map branch, a retry) complete before the answer,
            # so the SDK sees them in this response.
            self._fire_due()
            response: Json = {
                "NewExecutionState": {"Operations": [copy_operation(rec.ops[i]) for i in rec.dirty]}
            }
            rec.dirty.clear()
            if not (ends_execution or rec.status == ExecutionStatus.PAUSING or rec.terminal):
                # No token in the response tells the SDK to stop and end the invocation.
                response["CheckpointToken"] = next_token
            if ClientToken is not None:
                rec.client_tokens[ClientToken] = response
                while len(rec.client_tokens) > _CLIENT_TOKENS_KEPT:
                    rec.client_tokens.popitem(last=False)
            return response

    def _check_token(self, rec: ExecutionRecord, token: str) -> None:
        if rec.terminal:
            raise InvalidCheckpointToken("the execution has ended")
        if not rec.token_live or token != rec.token:
            raise InvalidCheckpointToken("it is stale or belongs to another invocation")

    def get_durable_execution_state(
        self,
        *,
        DurableExecutionArn: str,
        CheckpointToken: str,
        Marker: str | None = None,
        MaxItems: int | None = None,
    ) -> Json:
        with self._lock:
            rec = self._get(DurableExecutionArn)
            self._check_token(rec, CheckpointToken)
            ops = replay_state(rec)
            start, size = page_bounds(Marker, MaxItems, DEFAULT_STATE_PAGE)
            page = ops[start : start + size]
            response: Json = {"Operations": [copy_operation(op) for op in page]}
            if start + size < len(ops):
                response["NextMarker"] = str(start + size)
            return response

    # ------------------------------------------------------------------ read API

    def get_durable_execution(self, *, DurableExecutionArn: str, IncludeExecutionData: bool = True) -> Json:
        with self._lock:
            rec = self._get(DurableExecutionArn)
            out: Json = {
                "DurableExecutionArn": rec.arn,
                "DurableExecutionName": rec.name,
                "FunctionArn": function_arn(rec.function_name, rec.version),
                "Status": rec.status,
                "StartTimestamp": rec.start,
                "Version": rec.version,
                "DurableConfig": {"RetentionPeriodInDays": rec.retention_days, "ExecutionTimeout": rec.timeout_s},
                "ExpectedExecutionTimeoutTimestamp": rec.start
                + timedelta(seconds=rec.timeout_s + rec.timeout_extension_s),
                "ExecutionDataIncluded": IncludeExecutionData,
            }
            if IncludeExecutionData:
                if rec.input_payload is not None:
                    out["InputPayload"] = rec.input_payload
                if rec.result is not None:
                    out["Result"] = rec.result
                if rec.error is not None:
                    out["Error"] = dict(rec.error)
            if rec.end is not None:
                out["EndTimestamp"] = rec.end
            if rec.pause is not None:
                out["PauseDetails"] = dict(rec.pause)
            return out

    def get_durable_execution_history(
        self,
        *,
        DurableExecutionArn: str,
        IncludeExecutionData: bool = True,
        MaxItems: int | None = None,
        Marker: str | None = None,
        ReverseOrder: bool = False,
    ) -> Json:
        with self._lock:
            rec = self._get(DurableExecutionArn)
            events = rec.events[::-1] if ReverseOrder else rec.events
            start, size = page_bounds(Marker, MaxItems, DEFAULT_HISTORY_PAGE)
            page = events[start : start + size]
            shaped = [
                history.copy_event(e) if IncludeExecutionData else history.without_data(e) for e in page
            ]
            response: Json = {"Events": shaped}
            if start + size < len(events):
                response["NextMarker"] = str(start + size)
            return response

    def list_durable_executions_by_function(
        self,
        *,
        FunctionName: str,
        Qualifier: str | None = None,
        DurableExecutionName: str | None = None,
        Statuses: list[str] | None = None,
        StartedAfter: datetime | None = None,
        StartedBefore: datetime | None = None,
        ReverseOrder: bool = False,
        Marker: str | None = None,
        MaxItems: int | None = None,
    ) -> Json:
        name, qualifier = parse_function_name(FunctionName, Qualifier)
        with self._lock:
            version: str | None = None
            fn = self._functions.get(name)
            if qualifier is not None:
                version = fn.resolve(qualifier) if fn is not None else qualifier
            summaries = {s.arn: s for s in self.store.summaries(name)}
            for rec in self._records.values():
                if rec.function_name == name and rec.arn in summaries:
                    summaries[rec.arn] = ExecutionSummary(
                        rec.arn, rec.name, rec.function_name, rec.version, rec.status, rec.start, rec.end
                    )
            if not summaries and fn is None:
                raise ResourceNotFoundException(f"Function not found: {function_arn(name)}")
            rows = sorted(summaries.values(), key=lambda s: s.start, reverse=ReverseOrder)
            rows = [
                s
                for s in rows
                if (version is None or s.version == version)
                and (DurableExecutionName is None or s.name == DurableExecutionName)
                and (not Statuses or s.status in Statuses)
                and (StartedAfter is None or s.start >= StartedAfter)
                and (StartedBefore is None or s.start <= StartedBefore)
            ]
            start, size = page_bounds(Marker, MaxItems, MAX_PAGE_ITEMS)
            page = rows[start : start + size]
            items = []
            for s in page:
                item: Json = {
                    "DurableExecutionArn": s.arn,
                    "DurableExecutionName": s.name,
                    "FunctionArn": function_arn(s.function_name, s.version),
                    "Status": s.status,
                    "StartTimestamp": s.start,
                }
                if s.end is not None:
                    item["EndTimestamp"] = s.end
                items.append(item)
            response: Json = {"DurableExecutions": items}
            if start + size < len(rows):
                response["NextMarker"] = str(start + size)
            return response

    # ------------------------------------------------------------------ control API

    def stop_durable_execution(self, *, DurableExecutionArn: str, Error: Json | None = None) -> Json:
        with self._lock:
            rec = self._get(DurableExecutionArn)
            if rec.terminal:
                raise ResourceConflictException(f"Durable execution {rec.arn} has already ended ({rec.status}).")
            first = len(rec.events)
            error = Error or {"ErrorType": "Execution.Stopped", "ErrorMessage": "The execution was stopped."}
            changed = self._complete(rec, ExecutionStatus.STOPPED, error=error)
            self._commit(rec, changed, first)
            return {"StopTimestamp": rec.end}

    def pause_durable_execution(
        self,
        *,
        DurableExecutionArn: str,
        ClientToken: str | None = None,
        Reason: str | None = None,
        ExecutionTimeoutPaused: bool = True,
    ) -> Json:
        with self._lock:
            rec = self._get(DurableExecutionArn)
            if rec.terminal:
                raise ResourceConflictException(f"Durable execution {rec.arn} has already ended ({rec.status}).")
            if rec.status in (ExecutionStatus.PAUSED, ExecutionStatus.PAUSING):
                return {}
            first = len(rec.events)
            now = self.clock.now()
            rec.pause = {"PauseRequestTimestamp": now, "ExecutionTimeoutPaused": ExecutionTimeoutPaused}
            if Reason:
                rec.pause["Reason"] = Reason
            rec.status = (ExecutionStatus.PAUSING if rec.token_live else ExecutionStatus.PAUSED).value
            details: Json = {"PauseRequestTimestamp": now, "ExecutionTimeoutPaused": ExecutionTimeoutPaused}
            if Reason:
                details["Reason"] = history.payload(Reason)
            history.record(rec, "ExecutionPaused", now, details)
            self._commit(rec, (), first)
            return {}

    def resume_durable_execution(
        self, *, DurableExecutionArn: str, ClientToken: str | None = None, Reason: str | None = None
    ) -> Json:
        with self._lock:
            rec = self._get(DurableExecutionArn)
            if rec.status not in (ExecutionStatus.PAUSED, ExecutionStatus.PAUSING):
                raise ResourceConflictException(f"Durable execution {rec.arn} is not paused ({rec.status}).")
            first = len(rec.events)
            now = self.clock.now()
            pause = rec.pause or {}
            if pause.get("ExecutionTimeoutPaused") and pause.get("PauseRequestTimestamp"):
                rec.timeout_extension_s += (now - pause["PauseRequestTimestamp"]).total_seconds()
                deadline = rec.start + timedelta(seconds=rec.timeout_s + rec.timeout_extension_s)
                self._timers.arm(deadline.timestamp(), rec.arn, TimerKind.EXECUTION_TIMEOUT)
            rec.pause = None
            was_pausing = rec.status == ExecutionStatus.PAUSING
            rec.status = ExecutionStatus.RUNNING.value
            details: Json = {"ResumeRequestTimestamp": now}
            if Reason:
                details["Reason"] = history.payload(Reason)
            history.record(rec, "ExecutionResumed", now, details)
            if not was_pausing:
                self._mark_due(rec)
            self._commit(rec, (), first)
            return {}

    def delete_durable_execution(self, *, DurableExecutionArn: str) -> Json:
        with self._lock:
            rec = self._get(DurableExecutionArn)
            if not rec.terminal:
                raise ResourceConflictException(
                    f"Durable execution {rec.arn} is {rec.status}; only ended executions can be deleted."
                )
            now = self.clock.now()
            self.store.delete(rec.arn)
            self._evict(rec)
            self._timers.drop(rec.arn)
            return {"DeletionRequestTimestamp": now}

    # ------------------------------------------------------------------ callbacks API

    def _callback(self, callback_id: str) -> tuple[ExecutionRecord, Json]:
        decoded = decode_callback_id(callback_id) if isinstance(callback_id, str) else None
        if decoded is None:
            raise ResourceNotFoundException(f"Callback not found: {callback_id}")
        execution_id, op_id = decoded
        arn = self._by_id.get(execution_id) or self.store.arn_for_execution_id(execution_id)
        rec = self._load(arn) if arn else None
        op = rec.ops.get(op_id) if rec is not None else None
        if rec is None or op is None or op["Type"] != OperationType.CALLBACK:
            raise ResourceNotFoundException(f"Callback not found: {callback_id}")
        if op["Status"] == OperationStatus.TIMED_OUT:
            raise CallbackTimeoutException(f"Callback {callback_id} has timed out.")
        if op["Status"] != OperationStatus.STARTED or rec.terminal:
            raise InvalidParameterValueException(
                f"Callback {callback_id} is no longer open (operation {op['Status']}, execution {rec.status})."
            )
        return rec, op

    def send_durable_execution_callback_success(self, *, CallbackId: str, Result: bytes | str = b"") -> Json:
        raw = Result.encode() if isinstance(Result, str) else bytes(Result or b"")
        if len(raw) > MAX_CALLBACK_RESULT:
            raise InvalidParameterValueException(f"Result is {len(raw)} bytes; the limit is {MAX_CALLBACK_RESULT}.")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidParameterValueException("Result must be UTF-8 text.") from None
        self._complete_callback(CallbackId, OperationStatus.SUCCEEDED, "Result", text, history.payload(text))
        return {}

    def send_durable_execution_callback_failure(self, *, CallbackId: str, Error: Json | None = None) -> Json:
        error = dict(Error or {})
        self._complete_callback(CallbackId, OperationStatus.FAILED, "Error", error, history.error_payload(error))
        return {}

    def _complete_callback(
        self, callback_id: str, status: OperationStatus, field: str, value: Any, recorded: Any
    ) -> None:
        """Succeed or fail an open callback from outside: one history event, the op marked updated."""
        with self._lock:
            rec, op = self._callback(callback_id)
            first = len(rec.events)
            now = self.clock.now()
            op["Status"] = status.value
            op["EndTimestamp"] = now
            op["CallbackDetails"][field] = value
            event = "Succeeded" if status is OperationStatus.SUCCEEDED else "Failed"
            history.record_op(rec, op, event, now, {field: recorded})
            self._touch_async(rec, op["Id"])
            self._commit(rec, [op["Id"]], first)

    def send_durable_execution_callback_heartbeat(self, *, CallbackId: str) -> Json:
        with self._lock:
            rec, op = self._callback(CallbackId)
            meta = rec.op_meta.setdefault(op["Id"], {})
            if meta.get("HeartbeatTimeout"):
                meta["HeartbeatDeadline"] = self.clock.now() + timedelta(seconds=meta["HeartbeatTimeout"])
                self.arm(rec, meta["HeartbeatDeadline"], TimerKind.CALLBACK_HEARTBEAT, op["Id"])
                self._commit(rec, [op["Id"]], len(rec.events))
            return {}

    # ------------------------------------------------------------------ Invoke

    def invoke(
        self,
        *,
        FunctionName: str,
        Qualifier: str | None = None,
        Payload: bytes | str = b"",
        InvocationType: str = "RequestResponse",
        DurableExecutionName: str | None = None,
    ) -> Json:
        name, qualifier = parse_function_name(FunctionName, Qualifier)
        raw = Payload.encode() if isinstance(Payload, str) else bytes(Payload or b"")
        limit = MAX_SYNC_PAYLOAD if InvocationType == "RequestResponse" else MAX_ASYNC_PAYLOAD
        if len(raw) > limit:
            raise RequestTooLargeException(f"Request payload is {len(raw)} bytes; the limit is {limit}.")
        text = raw.decode("utf-8") if raw else None
        if text is not None and text.strip():
            try:
                json.loads(text)
            except json.JSONDecodeError:
                raise InvalidParameterValueException("Could not parse request body into json.") from None
        if InvocationType not in ("RequestResponse", "Event", "DryRun"):
            raise InvalidParameterValueException(f"Unsupported InvocationType {InvocationType}.")
        with self._lock:
            fn = self._functions.get(name)
            if fn is None:
                raise ResourceNotFoundException(f"Function not found: {function_arn(name)}")
            version = fn.resolve(qualifier)
            if fn.caller is None and qualifier is None:
                # Durable functions are invoked through a version or alias ($LATEST must be explicit).
                raise InvalidParameterValueException(
                    f"Durable function {name} must be invoked with a qualified name: add a version or alias "
                    f"(e.g. {name}:1, {name}:live or {name}:$LATEST) or pass Qualifier."
                )
            if InvocationType == "DryRun":
                return {"StatusCode": 204, "ExecutedVersion": version, "Payload": b""}
            caller = fn.caller
        if caller is not None:
            return self._invoke_standard(caller, version, text, InvocationType)
        with self._lock:
            existing = None
            if DurableExecutionName is not None:
                arn = self._by_name.get((name, DurableExecutionName))
                if arn is None:
                    for summary in self.store.summaries(name):
                        if summary.name == DurableExecutionName:
                            arn = summary.arn
                existing = self._load(arn) if arn else None
            if existing is not None:
                if (existing.input_payload or "") != (text or ""):
                    raise DurableExecutionAlreadyStartedException(
                        f"Durable execution {DurableExecutionName} already exists with a different payload."
                    )
                rec = existing
            else:
                rec = self.start_execution(name, text, qualifier=qualifier, execution_name=DurableExecutionName)
        if InvocationType == "Event":
            return {"StatusCode": 202, "DurableExecutionArn": rec.arn, "ExecutedVersion": rec.version, "Payload": b""}
        self.drive(rec.arn)
        with self._lock:
            response: Json = {
                "StatusCode": 200,
                "DurableExecutionArn": rec.arn,
                "ExecutedVersion": rec.version,
                "Payload": (rec.result or "").encode() if rec.status == ExecutionStatus.SUCCEEDED else b"",
            }
            if rec.status in (ExecutionStatus.FAILED, ExecutionStatus.TIMED_OUT, ExecutionStatus.STOPPED):
                error = rec.error or {}
                response["FunctionError"] = "Unhandled"
                response["Payload"] = json.dumps(
                    {"errorType": error.get("ErrorType"), "errorMessage": error.get("ErrorMessage")}
                ).encode()
            return response

    def _invoke_standard(self, caller: FunctionCaller, version: str, payload: str | None, kind: str) -> Json:
        """Invoke of a standard function: one call, its response (or Lambda's unhandled-error shape)."""
        if kind == "Event":
            threading.Thread(target=self._call_quietly, args=(caller, payload), daemon=True).start()
            return {"StatusCode": 202, "ExecutedVersion": version, "Payload": b""}
        try:
            result = caller.call(payload, timeout_s=self.invocation_timeout_s)
        except InvocationFailed as exc:
            body = {"errorType": exc.error.get("ErrorType"), "errorMessage": exc.error.get("ErrorMessage")}
            return {"StatusCode": 200, "ExecutedVersion": version, "FunctionError": "Unhandled",
                    "Payload": json.dumps(body).encode()}
        return {"StatusCode": 200, "ExecutedVersion": version, "Payload": (result or "").encode()}

    def _call_quietly(self, caller: FunctionCaller, payload: str | None) -> None:
        try:
            caller.call(payload, timeout_s=self.invocation_timeout_s)
        except Exception as exc:  # an asynchronous invoke's failure is the function's own, not the caller's
            log.warning("standard function failed", error_type=type(exc).__name__)

    def append_logs(self, arn: str, lines: list[str]) -> None:
        with self._lock:
            self.store.append_logs(arn, lines)

    def logs(self, arn: str) -> list[str]:
        with self._lock:
            self._get(arn)
            return self.store.logs(arn)

    def arn_for_callback(self, callback_id: str) -> str:
        with self._lock:
            decoded = decode_callback_id(callback_id)
            arn = None
            if decoded is not None:
                arn = self._by_id.get(decoded[0]) or self.store.arn_for_execution_id(decoded[0])
            if arn is None:
                raise ResourceNotFoundException(f"Callback not found: {callback_id}")
            return arn

    def execution_arns(self) -> list[str]:
        with self._lock:
            return list(self._records)

    def close(self) -> None:
        with self._lock:
            self.store.close()


class _Unloadable:
    def __init__(self, error: Json) -> None:
        self.error = error

    def invoke(self, event: dict[str, Any], *, timeout_s: float) -> dict[str, Any]:
        raise InvocationFailed(self.error)
