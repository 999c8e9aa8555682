"""One endpoint for many short-lived services: the check swaps the service behind it.

Worker processes are expensive to start, so a single set of workers serves the reference run,
every replay and every interrupted run; only the target behind the endpoint changes. A trap
target ends the running invocation when a chosen checkpoint call arrives.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


class ServiceSwitch:
    def __init__(self) -> None:
        self._target: Any = None
        self._lock = threading.Lock()

    def use(self, target: Any) -> None:
        with self._lock:
            self._target = target

    def __getattr__(self, name: str) -> Any:
        with self._lock:
            target = self._target
        if target is None:
            raise AttributeError(name)
        return getattr(target, name)


class CheckpointTrap:
    """Passes calls to ``service``; the ``crash_at``-th checkpoint call (1-based) is not applied:
    instead ``crash()`` ends the invocation, as if the sandbox died just before sending it."""

    def __init__(self, service: Any, crash_at: int | None, crash: Callable[[], None]) -> None:
        self._service = service
        self._crash_at = crash_at
        self._crash = crash
        self.calls = 0
        self.fired = False

    def checkpoint_durable_execution(self, **kwargs: Any) -> Any:
        self.calls += 1
        if self.calls == self._crash_at and not self.fired:
            self.fired = True
            self._crash()
            raise ConnectionAbortedError("invocation ended by the interruption test")
        return self._service.checkpoint_durable_execution(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._service, name)
