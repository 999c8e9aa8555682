"""An engine ``Invoker`` that runs a handler in a pool of long-lived worker processes.

The handler's SDK talks to the engine over the local endpoint, so the process boundary is the
same as Lambda's: a crash or an overrun deadline kills the worker (the next invocation starts
a fresh one) and is reported to the engine as a failed invocation, which it records and retries
the way the service does. The engine's own process keeps running.
"""

from __future__ import annotations

import json
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from durable_mcp.engine.invoker import InvocationFailed
from durable_mcp.errors import UserError
from durable_mcp.runtimes.endpoint_link import EndpointLink
from durable_mcp.runtimes.refs import HandlerRef
from durable_mcp.runtimes.worker import HandlerWorker, WorkerError, WorkerPool, WorkerStartError, sandbox_env

LogSink = Callable[[str, list[str]], None]
"""Receives (execution ARN, the lines of one invocation's function log)."""


class ProcessInvoker(ABC):
    """Give either ``endpoint_url`` (an endpoint already serving the engine) or ``service`` (served
    on a private loopback port while the invoker is open). ``perturb_seed`` makes the workers
    perturb clock/random/UUID sources; ``last_probes`` then lists where user code read them.
    ``stub_steps`` maps step names to the value they return instead of running (or to
    ``{"ErrorType", "ErrorMessage"}`` to fail), as with the in-process invoker. ``log_sink``
    receives each invocation's function log (``service.append_logs`` keeps it with the execution).
    """

    def __init__(
        self,
        ref: HandlerRef,
        *,
        endpoint_url: str | None = None,
        service: object | None = None,
        perturb_seed: int | None = None,
        stub_steps: Mapping[str, Any] | None = None,
        log_sink: LogSink | None = None,
    ) -> None:
        self.ref = ref
        self.log_sink = log_sink
        self.perturb_seed = perturb_seed
        self.stub_steps = dict(stub_steps or {})
        self._link = EndpointLink(endpoint_url=endpoint_url, service=service)
        self._pool: WorkerPool | None = None
        self.last_probes: list[dict[str, Any]] = []
        self.last_step_runs: list[str | None] = []
        self._current: HandlerWorker | None = None

    @abstractmethod
    def worker_argv(self) -> Sequence[str]:
        """The command line of one worker process."""

    def worker_env(self) -> dict[str, str]:
        return {}

    def _workers(self) -> WorkerPool:
        if self._pool is None:
            argv = list(self.worker_argv())
            if self.perturb_seed is not None:
                argv += ["--perturb", str(self.perturb_seed)]
            extra = {**self.worker_env(), "DURABLE_MCP_STUB_STEPS": json.dumps(self.stub_steps)}
            env = sandbox_env(self._link.url(), extra)
            self._pool = WorkerPool(argv, cwd=self.ref.path.parent, env=env)
        return self._pool

    def invoke(self, event: dict[str, Any], *, timeout_s: float) -> dict[str, Any]:
        pool = self._workers()
        try:
            worker = pool.acquire()
        except WorkerStartError as exc:
            raise UserError(load_failure_message(self.ref, exc)) from exc
        self._current = worker
        request_id = str(uuid.uuid4())
        started = time.monotonic()
        try:
            # The handler's clock follows the engine's virtual one, so time measured across a skipped wait
            # is the wait, as on Lambda.
            request = {"event": event, "timeout_ms": int(timeout_s * 1000),
                       "clock_offset_ms": int(self._link.clock_offset_s() * 1000)}
            answer = worker.call(request, timeout_s)
        except WorkerError as exc:
            raise InvocationFailed({"ErrorType": exc.error_type, "ErrorMessage": exc.message}) from exc
        finally:
            self._current = None
            self.last_step_runs = [note.get("name") for note in worker.notes if note["note"] == "step_run"]
            self._report_logs(str(event.get("DurableExecutionArn", "")), request_id, started, worker.notes)
            pool.release(worker)
        self.last_probes = list(answer.get("probes", []))
        if "crash" in answer:
            # The SDK wrapper turns handler errors into FAILED itself; an exception escaping it
            # is a runtime-level failure, like an unhandled rejection in Lambda.
            crash = answer["crash"]
            raise InvocationFailed(
                {
                    "ErrorType": str(crash.get("name", "Error")),
                    "ErrorMessage": str(crash.get("message", "")),
                    "StackTrace": str(crash.get("stack", "")).splitlines()[1:],
                }
            )
        output: dict[str, Any] = answer["output"]
        return output

    def _report_logs(self, arn: str, request_id: str, started: float, notes: list[dict[str, Any]]) -> None:
        if self.log_sink is None:
            return
        duration_ms = (time.monotonic() - started) * 1000
        lines = [f"START RequestId: {request_id}"]
        lines += [str(note.get("line", "")) for note in notes if note["note"] == "log"]
        lines += [f"END RequestId: {request_id}", f"REPORT RequestId: {request_id}\tDuration: {duration_ms:.2f} ms"]
        self.log_sink(arn, lines)

    def crash_current(self) -> None:
        """Kill the worker running the current invocation, as a sandbox crash would."""
        worker = self._current
        if worker is not None:
            worker.kill()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        self._link.close()

    def __enter__(self) -> ProcessInvoker:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def load_failure_message(ref: HandlerRef, exc: WorkerStartError) -> str:
    # Missing SDK / transpiler messages already name the fix; other load errors need the file.
    if exc.code in ("DURABLE_MCP_NO_SDK", "DURABLE_MCP_NO_TRANSPILER"):
        return exc.message
    return f"Cannot load {ref}: {exc.message}"
