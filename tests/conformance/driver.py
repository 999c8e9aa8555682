"""The one place where the conformance harness touches an engine.

``start_execution`` runs a handler and returns a ``RunningExecution`` exposing only what the harness
needs: settle (with virtual time), the Lambda-shaped GetDurableExecution / history dicts, callback
answers and captured logs. Until ``durable_mcp.engine.local`` exists, the official testing library's
in-process runner stands in (its clock skips waits instead of following ours, and its histories lack
some detail fields); switching is confined to this module.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

TERMINAL_STATUSES = frozenset({"SUCCEEDED", "FAILED", "TIMED_OUT", "STOPPED"})


class RunningExecution(Protocol):
    arn: str

    def settle(self, advance_seconds: float | None) -> None:
        """Process everything due, moving virtual time forward at most ``advance_seconds`` (None: no limit)."""

    def describe(self) -> dict[str, Any]: ...

    def history(self) -> list[dict[str, Any]]: ...

    def callback_success(self, callback_id: str, result: bytes) -> None: ...

    def callback_failure(self, callback_id: str, error: dict[str, Any]) -> None: ...

    def callback_heartbeat(self, callback_id: str) -> None: ...

    def logs(self) -> list[str]: ...


def start_execution(
    handler: Callable[..., Any], payload: str, functions: dict[str, Callable[..., Any]]
) -> RunningExecution:
    return _TestingLibraryExecution(handler, payload, functions)


class _ArnLogCapture(logging.Handler):
    """Collects SDK logger records (they carry ``executionArn``) per execution, as ``[LEVEL] message`` lines."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: dict[str, list[str]] = {}
        self._guard = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        arn = getattr(record, "executionArn", None)
        if arn is None:
            return
        with self._guard:
            self.lines.setdefault(arn, []).append(f"[{record.levelname}] {record.getMessage()}")


_CAPTURE = _ArnLogCapture()
logging.getLogger().addHandler(_CAPTURE)
logging.getLogger().setLevel(logging.INFO)

_IDLE_POLLS = 3
_POLL_SECONDS = 0.05
_SETTLE_LIMIT_SECONDS = 60.0


class _TestingLibraryExecution:
    def __init__(self, handler: Callable[..., Any], payload: str, functions: dict[str, Callable[..., Any]]) -> None:
        from aws_durable_execution_sdk_python_testing.runner import DurableFunctionTestRunner

        self._runner = DurableFunctionTestRunner(handler, skip_time=True)
        for name, target in functions.items():
            if getattr(target, "_conformance_durable", True):
                self._runner.register_durable_function(name, target)
            else:
                self._runner.register_function(name, target)
        self.arn: str = self._runner.run_async(input=payload, function_name="conformance-function")

    def settle(self, advance_seconds: float | None) -> None:
        del advance_seconds  # the testing library skips time on its own
        deadline = time.monotonic() + _SETTLE_LIMIT_SECONDS
        last: tuple[int, str] | None = None
        quiet = 0
        while time.monotonic() < deadline:
            events = self.history()
            status = self.describe()["Status"]
            marker = (len(events), events[-1]["EventType"] if events else "")
            if status in TERMINAL_STATUSES:
                return
            quiet = quiet + 1 if marker == last and marker[1] == "InvocationCompleted" else 0
            if quiet >= _IDLE_POLLS:
                return
            last = marker
            time.sleep(_POLL_SECONDS)

    def describe(self) -> dict[str, Any]:
        response = self._runner._executor.get_execution_details(self.arn)
        return {"Status": response.status, "Result": response.result, "Error": response.error}

    def history(self) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = []
        marker: str | None = None
        while True:
            page = self._runner._executor.get_execution_history(
                self.arn, include_execution_data=True, marker=marker, max_items=1000
            ).to_dict()
            events.extend(page["Events"])
            marker = page.get("NextMarker")
            if not marker:
                return events

    def callback_success(self, callback_id: str, result: bytes) -> None:
        self._runner.send_callback_success(callback_id, result)

    def callback_failure(self, callback_id: str, error: dict[str, Any]) -> None:
        from aws_durable_execution_sdk_python.lambda_service import ErrorObject

        self._runner.send_callback_failure(callback_id, ErrorObject.from_dict(error))

    def callback_heartbeat(self, callback_id: str) -> None:
        self._runner.send_callback_heartbeat(callback_id)

    def logs(self) -> list[str]:
        return list(_CAPTURE.lines.get(self.arn, []))

    def close(self) -> None:
        self._runner.close()


def encode_callback_result(payload: Any) -> bytes:
    return json.dumps(payload).encode()
