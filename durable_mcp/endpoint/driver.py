"""Keeps executions moving while the endpoint serves them.

Requests only record facts (an Event invoke queues an execution, a callback answer completes an
operation); this thread runs the invocations and timers that follow, then sleeps until the
service reports news. A RequestResponse invoke drives its own execution in the request thread;
the service never runs one execution's invocations concurrently.
"""

from __future__ import annotations

import threading
from typing import Protocol

import structlog

log = structlog.get_logger()

IDLE_WAIT_S = 0.1


class Drivable(Protocol):
    def drive(self, arn: str | None = None, *, stop_on_open_callback: bool = True) -> None: ...

    def wait_for_news(self, timeout: float) -> None: ...


class BackgroundDriver:
    def __init__(self, service: Drivable) -> None:
        self._service = service
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="durable-driver", daemon=True)

    def start(self) -> BackgroundDriver:
        self._thread.start()
        return self

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self._service.drive(stop_on_open_callback=True)
            except Exception:
                log.exception("driver.failed")
            if self._stop.is_set():
                return
            self._service.wait_for_news(IDLE_WAIT_S)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def __enter__(self) -> BackgroundDriver:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()
