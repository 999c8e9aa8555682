"""A long-lived handler process spoken to over JSON lines (one request, one answer).

Used for Node handlers and for isolated Python handlers alike. The process loads the handler
once; each invocation is one line on stdin and one line back on stdout. A process that dies or
overruns its deadline is killed and replaced on the next call, like a Lambda sandbox.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import queue
import subprocess
import threading
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import structlog

log = structlog.get_logger()

READY_TIMEOUT_S = 120.0


class WorkerError(Exception):
    """The handler process failed at the level of the sandbox, not the handler."""

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message


class WorkerStartError(WorkerError):
    """The handler could not be loaded; ``code`` says why (missing SDK, transpiler, export...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__("Runtime.ImportModuleError", message)
        self.code = code


class HandlerWorker:
    """One handler process. Not thread-safe: a pool hands each worker to one caller at a time."""

    def __init__(self, argv: Sequence[str], *, cwd: Path, env: Mapping[str, str]) -> None:
        self._argv = list(argv)
        self._cwd = cwd
        self._env = dict(env)
        self._ids = itertools.count(1)
        self._process: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self.notes: list[dict[str, Any]] = []

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> dict[str, Any]:
        self._lines = queue.Queue()
        self._process = subprocess.Popen(
            self._argv,
            cwd=self._cwd,
            env=self._env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
        stdout = self._process.stdout
        assert stdout is not None
        threading.Thread(target=self._pump, args=(stdout, self._lines), daemon=True).start()
        hello = self._receive(READY_TIMEOUT_S, "start-up")
        if "fatal" in hello:
            fatal = hello["fatal"]
            self.kill()
            raise WorkerStartError(str(fatal.get("code", "LOAD_FAILED")), str(fatal.get("message", fatal)))
        return hello

    def call(self, payload: dict[str, Any], timeout_s: float) -> dict[str, Any]:
        """Send one request and wait for its answer; kill the process on timeout or death.

        Notes the process sends before answering (``{"note": ...}``) are kept in ``notes``.
        """
        if not self.alive:
            self.start()
        assert self._process is not None and self._process.stdin is not None
        request_id = next(self._ids)
        self.notes = []
        line = json.dumps({"id": request_id, **payload}, separators=(",", ":"), default=_epoch_millis)
        try:
            self._process.stdin.write(line + "\n")
            self._process.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            self.kill()
            raise WorkerError("Runtime.ExitError", f"Handler process exited before the invocation: {exc}") from exc
        while True:
            answer = self._receive(timeout_s, "invocation")
            if "note" in answer:
                self.notes.append(answer)
            elif answer.get("id") == request_id:
                return answer

    def _receive(self, timeout_s: float, phase: str) -> dict[str, Any]:
        try:
            line = self._lines.get(timeout=max(timeout_s, 0.001))
        except queue.Empty:
            self.kill()
            raise WorkerError("Sandbox.Timedout", f"Task timed out after {timeout_s:.2f} seconds ({phase})") from None
        if line is None:
            code = self._process.wait() if self._process else None
            self.kill()  # reaps the process and closes its pipes
            raise WorkerError("Runtime.ExitError", f"Handler process exited with status {code} during {phase}")
        try:
            decoded: dict[str, Any] = json.loads(line)
        except json.JSONDecodeError as exc:
            self.kill()
            raise WorkerError("Runtime.InvalidResponse", f"Malformed answer from handler process: {exc}") from exc
        return decoded

    @staticmethod
    def _pump(stream: Any, lines: queue.Queue[str | None]) -> None:
        try:
            for line in stream:
                if line.strip():
                    lines.put(line)
        except (OSError, ValueError):
            pass  # the pipe was closed under us by kill(): that is the end of the stream too
        finally:
            lines.put(None)

    def kill(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


class WorkerPool:
    """Idle workers are reused; a busy pool grows, so a handler that invokes itself never deadlocks."""

    def __init__(self, argv: Sequence[str], *, cwd: Path, env: Mapping[str, str]) -> None:
        self._argv = list(argv)
        self._cwd = cwd
        self._env = dict(env)
        self._idle: list[HandlerWorker] = []
        self._all: list[HandlerWorker] = []
        self._lock = threading.Lock()

    def acquire(self) -> HandlerWorker:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        worker = HandlerWorker(self._argv, cwd=self._cwd, env=self._env)
        worker.start()
        with self._lock:
            self._all.append(worker)
        return worker

    def release(self, worker: HandlerWorker) -> None:
        with self._lock:
            if worker.alive:
                self._idle.append(worker)
            elif worker in self._all:
                self._all.remove(worker)

    def close(self) -> None:
        with self._lock:
            workers, self._all, self._idle = self._all, [], []
        for worker in workers:
            worker.kill()


def _epoch_millis(value: object) -> int:
    """Invocation events carry timestamps as epoch milliseconds, as Lambda sends them."""
    if isinstance(value, datetime):
        return int(value.timestamp() * 1000)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def sandbox_env(endpoint_url: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a handler process: the caller's, pointed at the local endpoint.

    Dummy credentials and a region are required by both AWS SDKs (requests are signed); real
    profiles and tokens are dropped so nothing reaches AWS by accident.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("AWS_") or key in ("AWS_LAMBDA_LOG_LEVEL",)
    }
    env.update(
        {
            "AWS_ENDPOINT_URL_LAMBDA": endpoint_url,
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "durable-mcp-local",
            "AWS_SECRET_ACCESS_KEY": "durable-mcp-local",
            "AWS_EC2_METADATA_DISABLED": "true",
        }
    )
    env.update(extra or {})
    return env
