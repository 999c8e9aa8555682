"""The one place where the conformance harness touches an engine (``durable_mcp.engine.local``).

``start_execution`` runs a handler and returns a ``RunningExecution`` exposing only what the harness
needs: the virtual clock, settling with a bounded clock advance, the Lambda-shaped
GetDurableExecution / history dicts, callback answers and the captured logs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from durable_mcp.engine.errors import ServiceError
from durable_mcp.engine.local import LocalEngine

TERMINAL_STATUSES = frozenset({"SUCCEEDED", "FAILED", "TIMED_OUT", "STOPPED"})


class CallbackRejected(Exception):
    """The service refused a callback answer (e.g. the callback had already timed out)."""


class RunningExecution(Protocol):
    arn: str

    def now(self) -> float:
        """Virtual seconds since the epoch."""

    def settle(self, advance_seconds: float | None) -> None:
        """Process everything due; then virtual time has moved by ``advance_seconds`` (None: as far as
        the scheduled timers go)."""

    def describe(self) -> dict[str, Any]: ...

    def history(self) -> list[dict[str, Any]]: ...

    def callback_success(self, callback_id: str, result: bytes) -> None:
        """Complete a callback; the callback_* methods raise CallbackRejected when the service refuses."""

    def callback_failure(self, callback_id: str, error: dict[str, Any]) -> None: ...

    def callback_heartbeat(self, callback_id: str) -> None: ...

    def logs(self) -> list[str]: ...

    def close(self) -> None: ...


def start_execution(
    handler: Callable[..., Any], payload: str, functions: dict[str, Callable[..., Any]]
) -> RunningExecution:
    return _LocalEngineExecution(handler, payload, functions)


class _LocalEngineExecution:
    def __init__(self, handler: Callable[..., Any], payload: str, functions: dict[str, Callable[..., Any]]) -> None:
        self._engine = LocalEngine(store="memory", real_time=False)
        for name, target in functions.items():
            self._engine.register_function(name, target)
        self.arn = self._engine.start(handler, payload, function_name="conformance-function")

    def now(self) -> float:
        return self._engine.service.clock.time()

    def settle(self, advance_seconds: float | None) -> None:
        target = None if advance_seconds is None else self.now() + advance_seconds
        self._engine.run_until_idle(self.arn, advance_seconds=advance_seconds)
        # run_until_idle leaves the clock alone when no timer is scheduled; the time still passes
        # for whoever answers a callback after a delay.
        if target is not None and self.now() < target:
            self._engine.service.clock.advance_to(target)

    def describe(self) -> dict[str, Any]:
        return self._engine.service.get_durable_execution(DurableExecutionArn=self.arn, IncludeExecutionData=True)

    def history(self) -> list[dict[str, Any]]:
        service = self._engine.service
        events: list[dict[str, Any]] = []
        marker: str | None = None
        while True:
            page = service.get_durable_execution_history(
                DurableExecutionArn=self.arn, IncludeExecutionData=True, MaxItems=1000, Marker=marker
            )
            events.extend(page["Events"])
            marker = page.get("NextMarker")
            if not marker:
                return events

    def callback_success(self, callback_id: str, result: bytes) -> None:
        with _rejections():
            self._engine.service.send_durable_execution_callback_success(CallbackId=callback_id, Result=result)

    def callback_failure(self, callback_id: str, error: dict[str, Any]) -> None:
        with _rejections():
            self._engine.service.send_durable_execution_callback_failure(CallbackId=callback_id, Error=error)

    def callback_heartbeat(self, callback_id: str) -> None:
        with _rejections():
            self._engine.service.send_durable_execution_callback_heartbeat(CallbackId=callback_id)

    def logs(self) -> list[str]:
        return self._engine.logs(self.arn)

    def close(self) -> None:
        self._engine.close()


@contextmanager
def _rejections() -> Iterator[None]:
    try:
        yield
    except ServiceError as error:
        raise CallbackRejected(f"{error.code}: {error.message}") from error
