"""LocalEngine: the high-level driver used by the CLI, the MCP tools, conformance tests and the
determinism checker. It owns a DurableService, registers handlers as functions and drives
executions until they end or wait on the outside world.

Time: by default the virtual clock skips idle time (waits, retry backoff, callback timeouts, the
execution timeout all fire without sleeping, while history keeps the modelled timestamps);
``real_time=True`` runs on the wall clock.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from durable_mcp.engine.functions import DEFAULT_EXECUTION_TIMEOUT_S
from durable_mcp.engine.invoker import FunctionCaller, Invoker
from durable_mcp.engine.model import Json, OperationStatus, OperationType
from durable_mcp.engine.python_invoker import PythonInvoker, absolute_ref
from durable_mcp.engine.service import (
    DEFAULT_MAX_FAILED_INVOCATIONS,
    CallbackAnswer,
    CallbackHandler,
    DurableService,
)
from durable_mcp.engine.store.base import ExecutionStore
from durable_mcp.engine.store.memory import MemoryStore
from durable_mcp.engine.store.sqlite import SqliteStore

Handler = str | Callable[..., Any] | Invoker
ProgressCallback = Callable[[str, Json], None]


class RunResult(BaseModel):
    """Outcome of an execution: status as GetDurableExecution reports it, result decoded from JSON."""

    model_config = ConfigDict(frozen=True)

    execution_arn: str
    status: str
    result: Any = None
    error: dict[str, Any] | None = None
    events: list[dict[str, Any]]


class OpenCallback(BaseModel):
    """A callback waiting for SendDurableExecutionCallbackSuccess/Failure/Heartbeat."""

    model_config = ConfigDict(frozen=True)

    callback_id: str
    name: str | None
    parent_name: str | None
    operation_id: str
    timeout_seconds: int | None
    heartbeat_timeout_seconds: int | None
    label: str
    """The name its author gave it: a wait_for_callback's own name (its inner callback carries a name the
    SDK made up), else the callback's name, else its operation id."""


def parse_callback_answers(on_callback: Mapping[str, str]) -> dict[str, CallbackAnswer]:
    """Parse ``{"name": "succeed:JSON" | "fail:MESSAGE" | "heartbeat"}`` (ValueError if malformed)."""
    answers: dict[str, CallbackAnswer] = {}
    for name, spec in on_callback.items():
        verb, _, value = spec.partition(":")
        if verb == "succeed":
            answers[name] = ("succeed", value.encode())
        elif verb == "fail":
            answers[name] = ("fail", {"ErrorType": "CallbackFailure", "ErrorMessage": value})
        elif verb == "heartbeat":
            answers[name] = ("heartbeat", None)
        else:
            raise ValueError(f"callback answer for {name!r} must be succeed:JSON, fail:MESSAGE or heartbeat")
    return answers


class _NamedAnswers:
    """Answers callbacks by their own name or their parent's (``wait_for_callback`` names the
    enclosing context); ``"*"`` matches any callback."""

    def __init__(self, answers: dict[str, CallbackAnswer], service: DurableService) -> None:
        self._answers = answers
        self.service = service

    def answer(self, arn: str, op: Json) -> CallbackAnswer | None:
        names = [op.get("Name")]
        if op.get("ParentId"):
            parent = self.service.record(arn).ops.get(op["ParentId"], {})
            names.append(parent.get("Name"))
        for name in names:
            if name in self._answers:
                return self._answers[name]
        return self._answers.get("*")


class LocalEngine:
    def __init__(
        self,
        store: str | Path = "memory",
        real_time: bool = False,
        invocation_timeout_s: float = 900,
        stub_steps: Mapping[str, Any] | None = None,
        *,
        max_failed_invocations: int = DEFAULT_MAX_FAILED_INVOCATIONS,
        on_callback: Mapping[str, str] | None = None,
        callback_handler: CallbackHandler | None = None,
    ) -> None:
        backing: ExecutionStore = MemoryStore() if str(store) == "memory" else SqliteStore(store)
        self.stub_steps = dict(stub_steps or {})
        self.service = DurableService(
            backing,
            real_time=real_time,
            invocation_timeout_s=invocation_timeout_s,
            invoker_factory=self._stored_invoker,
            max_failed_invocations=max_failed_invocations,
        )
        if on_callback:
            self.service.callback_handler = _NamedAnswers(parse_callback_answers(on_callback), self.service).answer
        if callback_handler is not None:
            self.service.callback_handler = callback_handler

    def _python_invoker(
        self, handler: str | Callable[..., Any], function_name: str = "local-function"
    ) -> PythonInvoker:
        return PythonInvoker(
            handler,
            self.service,
            function_name=function_name,
            stub_steps=self.stub_steps,
            log_sink=self.service.append_logs,
        )

    def stubs_for(self, stored: Json | None) -> Json:
        """The stubs to resume an execution with: those it stored, else (stored before stubs were kept)
        this engine's."""
        return self.stub_steps if stored is None else stored

    def _stored_invoker(self, handler_ref: str, stub_steps: Json | None) -> Invoker:
        """The service's invoker factory: a Python handler reference, with the stubs it was started with."""
        return PythonInvoker(
            handler_ref, self.service, stub_steps=self.stubs_for(stub_steps), log_sink=self.service.append_logs
        )

    def register_function(
        self,
        name: str,
        handler_or_invoker: Handler,
        *,
        version: str = "1",
        aliases: tuple[str, ...] = ("live",),
        execution_timeout_s: int = DEFAULT_EXECUTION_TIMEOUT_S,
        retention_days: int = 14,
        handler_ref: str | None = None,
        stub_steps: Json | None = None,
        stub_invokes: Json | None = None,
    ) -> None:
        """Make a handler callable by name (``start``, ``Invoke`` and chained ``context.invoke``).

        A Python handler reference (``path.py:handler``) is stored with its executions so another
        process can resume them; for an invoker object, ``handler_ref`` says what to store (the
        service's ``invoker_factory`` must then know how to rebuild it). ``stub_steps`` (default: the
        engine's) and ``stub_invokes`` (function name -> the result a chained invoke of it returns)
        are stored with them too. A Python handler not wrapped by ``@durable_execution`` is a standard
        Lambda function: chained invokes call it once with their payload, as Lambda does.
        """
        waiting = self.service.waiting_for(name)
        if isinstance(handler_or_invoker, str):
            handler_or_invoker = absolute_ref(handler_or_invoker)
            handler_ref = handler_or_invoker
        invoker: Invoker
        if isinstance(handler_or_invoker, str) or not hasattr(handler_or_invoker, "invoke"):
            invoker = self._python_invoker(handler_or_invoker, name)
        else:
            invoker = handler_or_invoker
        caller: FunctionCaller | None = (
            invoker if isinstance(invoker, PythonInvoker) and not invoker.durable else None
        )
        self.service.register_function(
            name,
            invoker,
            version=version,
            aliases=aliases,
            execution_timeout_s=execution_timeout_s,
            retention_days=retention_days,
            handler_ref=handler_ref,
            stub_steps=stub_steps if stub_steps is not None else (self.stub_steps or None),
            stub_invokes=stub_invokes,
            caller=caller,
        )
        for arn in waiting:  # they waited for this function: run them on until they end or wait again
            self._drive(arn)

    def waiting_note(self, arn: str) -> str | None:
        """Why an execution that is owed an invocation does not run in this process, and the way on."""
        function = self.service.waiting_for_function(arn)
        if function is None:
            return None
        return (f"The execution is owed an invocation, but its function {function!r} is not registered in this "
                "process and the execution stored no handler to rebuild it from (it was started by an older "
                "durable-mcp, or through the library with a handler object). Nothing was lost: run its handler "
                f"again as function {function!r} (a dry-run of the same handler file registers that name) and "
                "the execution resumes from its checkpoints.")

    def start(
        self,
        handler: Handler | None,
        payload: str | None = None,
        *,
        function_name: str = "local-function",
        execution_name: str | None = None,
        execution_timeout_s: int | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> str:
        """Start an execution and run it until it ends or waits on the outside world.

        ``payload`` is the JSON text of the input (None: no input). With ``handler`` None the
        function must already be registered. Returns the execution ARN.
        """
        if handler is not None:
            self.register_function(function_name, handler)
        rec = self.service.start_execution(
            function_name, payload, execution_name=execution_name, execution_timeout_s=execution_timeout_s
        )
        self._drive(rec.arn, on_progress=on_progress)
        return rec.arn

    def run_until_idle(self, arn: str | None = None, advance_seconds: float | None = None) -> None:
        """Process due timers and re-invocations (of ``arn`` and its children, or of everything).

        Without ``advance_seconds`` the clock skips to each next timer, callback timeouts included,
        until nothing is scheduled. With it, the clock moves at most that far, so a test can answer a
        callback at t+1 s before a 5 s wait fires.
        """
        self.service.drive(arn, stop_on_open_callback=False, advance_seconds=advance_seconds)

    def _drive(self, arn: str, *, on_progress: ProgressCallback | None = None) -> None:
        previous = self.service.on_event
        if on_progress is not None:
            self.service.on_event = on_progress
        try:
            self.service.drive(arn, stop_on_open_callback=True)
        finally:
            self.service.on_event = previous

    # -------------------------------------------------------------- callbacks

    def open_callbacks(self, arn: str) -> list[OpenCallback]:
        """Callbacks of the execution waiting for an answer, in start order."""
        rec = self.service.record(arn)
        found = []
        for op in rec.ops.values():
            if op["Type"] != OperationType.CALLBACK or op["Status"] != OperationStatus.STARTED:
                continue
            meta = rec.op_meta.get(op["Id"], {})
            parent = rec.ops.get(op.get("ParentId") or "", {})
            found.append(
                OpenCallback(
                    callback_id=op["CallbackDetails"]["CallbackId"],
                    name=op.get("Name"),
                    parent_name=parent.get("Name"),
                    operation_id=op["Id"],
                    timeout_seconds=meta.get("Timeout") or None,
                    heartbeat_timeout_seconds=meta.get("HeartbeatTimeout") or None,
                    label=(parent.get("Name") if parent.get("SubType") == "WaitForCallback" else None)
                    or op.get("Name") or op["Id"],
                )
            )
        return found

    def callback_id(self, arn: str, name: str | None = None) -> str | None:
        """The id of an open callback of the execution (the first, or the one named ``name``;
        for ``wait_for_callback`` the enclosing operation's name also matches)."""
        for callback in self.open_callbacks(arn):
            if name is None or name in (callback.name, callback.parent_name):
                return callback.callback_id
        return None

    def send_callback_success(self, callback_id: str, result: bytes | str = b"", *, resume: bool = True) -> None:
        self.service.send_durable_execution_callback_success(CallbackId=callback_id, Result=result)
        self._resume(callback_id, resume)

    def send_callback_failure(
        self,
        callback_id: str,
        error_message: str = "",
        error_type: str | None = None,
        *,
        error_data: str | None = None,
        resume: bool = True,
    ) -> None:
        error: Json = {"ErrorMessage": error_message}
        if error_type:
            error["ErrorType"] = error_type
        if error_data:
            error["ErrorData"] = error_data
        self.service.send_durable_execution_callback_failure(CallbackId=callback_id, Error=error)
        self._resume(callback_id, resume)

    def send_callback_heartbeat(self, callback_id: str) -> None:
        self.service.send_durable_execution_callback_heartbeat(CallbackId=callback_id)

    def _resume(self, callback_id: str, resume: bool) -> None:
        if resume:
            self._drive(self.service.arn_for_callback(callback_id))

    # -------------------------------------------------------------- reading

    def history(self, arn: str, *, include_execution_data: bool = True) -> list[Json]:
        events: list[Json] = []
        marker: str | None = None
        while True:
            page = self.service.get_durable_execution_history(
                DurableExecutionArn=arn, IncludeExecutionData=include_execution_data, MaxItems=1000, Marker=marker
            )
            events.extend(page["Events"])
            marker = page.get("NextMarker")
            if not marker:
                return events

    def result(self, arn: str) -> RunResult:
        execution = self.service.get_durable_execution(DurableExecutionArn=arn, IncludeExecutionData=True)
        raw = execution.get("Result")
        result: Any = None
        if raw:
            try:
                result = json.loads(raw)
            except json.JSONDecodeError:
                result = raw
        return RunResult(
            execution_arn=arn,
            status=execution["Status"],
            result=result,
            error=execution.get("Error"),
            events=self.history(arn),
        )

    def logs(self, arn: str) -> list[str]:
        return self.service.logs(arn)

    def close(self) -> None:
        self.service.close()

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
