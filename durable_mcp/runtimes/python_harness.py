"""Worker process for an isolated Python handler: ``python -m durable_mcp.runtimes.python_harness FILE EXPORT``.

Same JSON-lines protocol as the Node harness: a ``{"ready": true}`` greeting (or ``{"fatal": ...}``),
then one answer per ``{"id", "event"}`` request. The handler's SDK reaches the service through
``AWS_ENDPOINT_URL_LAMBDA``. stdout belongs to the protocol, so the handler's prints go to stderr.
With ``--perturb SEED`` the process's clock and random sources are perturbed (see ``perturb``).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

# The engine's own step stubbing and log capture, so a handler behaves the same in and out of process.
from durable_mcp.engine.python_invoker import _captured, _stubbed_steps, import_handler_file
from durable_mcp.runtimes.perturb import Perturbation


def _send(channel: TextIO, message: dict[str, Any]) -> None:
    channel.write(json.dumps(message, default=str) + "\n")
    channel.flush()


def _load(path: Path, export: str) -> Any:
    module = import_handler_file(path, f"durable_handler_{path.stem}")
    handler = getattr(module, export, None)
    if not callable(handler):
        raise AttributeError(f"{path} does not define a callable named {export}")
    return handler


class _LambdaContext:
    def __init__(self, event: dict[str, Any], timeout_ms: int) -> None:
        self._deadline = time.monotonic() + timeout_ms / 1000
        function_arn = str(event.get("DurableExecutionArn", "")).split("/")[0]
        parts = function_arn.split(":")
        self.function_name = parts[6] if len(parts) > 6 else "local"
        self.function_version = parts[7] if len(parts) > 7 else "$LATEST"
        self.invoked_function_arn = function_arn
        self.aws_request_id = "local"
        self.memory_limit_in_mb = 128

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def main(argv: list[str]) -> int:
    protocol = sys.stdout
    sys.stdout = sys.stderr
    path, export, *options = argv
    perturbation: Perturbation | None = None
    if "--perturb" in options:
        # Load the SDK and boto3 first so that only code imported afterwards sees patched classes.
        import aws_durable_execution_sdk_python  # noqa: F401
        import boto3  # noqa: F401

        perturbation = Perturbation(int(options[options.index("--perturb") + 1]))
        perturbation.install()
    try:
        handler = _load(Path(path), export)
    except Exception as exc:
        _send(protocol, {"fatal": {"code": "LOAD_FAILED", "message": f"{type(exc).__name__}: {exc}"}})
        return 1
    _send(protocol, {"ready": True, "python": sys.version.split()[0]})
    with (
        _reported_steps(protocol),
        _stubbed_steps(json.loads(os.environ.get("DURABLE_MCP_STUB_STEPS") or "{}")),
    ):
        _serve(protocol, handler, perturbation)
    return 0


@contextlib.contextmanager
def _reported_steps(protocol: TextIO) -> Iterator[None]:
    """Report each step whose code runs (replayed steps do not run theirs) at once, so a run
    that never answers (killed mid-invocation) still shows it."""
    from aws_durable_execution_sdk_python.context import DurableContext

    original = DurableContext.step

    def step(self: Any, func: Callable[..., Any], name: str | None = None, config: Any = None) -> Any:
        step_name = DurableContext._resolve_step_name(name, func)

        def counted(step_context: Any) -> Any:
            _send(protocol, {"note": "step_run", "name": step_name})
            return func(step_context)

        return original(self, counted, step_name, config)

    DurableContext.step = step  # type: ignore[method-assign]
    try:
        yield
    finally:
        DurableContext.step = original  # type: ignore[method-assign]


def _serve(protocol: TextIO, handler: Any, perturbation: Perturbation | None) -> None:
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        if perturbation is not None:
            perturbation.probes.clear()
        context = _LambdaContext(request["event"], int(request.get("timeout_ms", 900_000)))
        try:
            with _captured(lambda line: _send(protocol, {"note": "log", "line": line}), context.aws_request_id):
                output = handler(request["event"], context)
            answer: dict[str, Any] = {"id": request["id"], "output": output}
        except Exception as exc:
            answer = {
                "id": request["id"],
                "crash": {"name": type(exc).__name__, "message": str(exc), "stack": traceback.format_exc()},
            }
        answer["probes"] = perturbation.probes if perturbation is not None else []
        _send(protocol, answer)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
