"""In-process invoker for Python handlers written against aws-durable-execution-sdk-python.

The handler receives a ``DurableExecutionInvocationInputWithClient`` whose service client is the
SDK's own ``LambdaClient`` wrapped around our service (its method names and shapes are boto3's), so
unmodified handlers run through the exact code path they use in Lambda, minus HTTP.

Three process-wide adjustments hold only while an invocation runs, under one lock (in-process
invocations therefore run one at a time):

* two latency constants of the SDK's checkpoint thread (``aws_durable_execution_sdk_python.state``),
  tuned for a network round trip to Lambda, cost far more than the work here:
  ``_STOP_SIGNAL_POLL_SECONDS`` (100 ms) is how long an idle collector sleeps before it looks at the
  stop flag again, so every invocation ends up to 0.1 s late (100 one-second waits = 100
  invocations = 10 s); we use 2 ms. ``_BLOCKED_CALLER_WAIT_SECONDS`` (1 ms) is how long a batch that
  already holds a blocked synchronous caller waits for sibling operations to share the request; a
  request to this service costs ~0.1 ms, so we send at once (0). Neither changes what is sent or in
  which order (one queue, one sender thread): only how updates are grouped into requests and how
  soon an idle thread notices shutdown.
* ``DurableContext.step`` is wrapped when ``stub_steps`` is given: a stubbed step's user function is
  replaced by one returning the stub value (or raising the stub error) and the step is otherwise
  processed by the SDK unchanged, so it is checkpointed exactly as if the real function had
  returned or raised that.
* stdout/stderr and root-logger records of the handler are captured into the execution's log.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import importlib.util
import io
import json
import logging
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from durable_mcp.engine.invoker import InvocationFailed, timeout_error
from durable_mcp.engine.model import Json
from durable_mcp.engine.stubs import is_stub_error
from durable_mcp.errors import UserError

_PROCESS_LOCK = threading.RLock()
STOP_SIGNAL_POLL_SECONDS = 0.002
BLOCKED_CALLER_WAIT_SECONDS = 0.0
_SDK_LOGGER = "aws_durable_execution_sdk_python"
_QUIET_LOGGERS = (_SDK_LOGGER, "durable_mcp", "botocore", "boto3", "urllib3", "asyncio")

LogSink = Callable[[str, list[str]], None]
"""Receives (execution ARN, the invocation's log lines)."""


def _is_path(target: str) -> bool:
    return target.endswith(".py") or "/" in target or "\\" in target


def absolute_ref(ref: str) -> str:
    """The reference with an absolute file path, so another process (a later ``callback``) can
    re-import the handler whatever its working directory."""
    target, sep, attr = ref.rpartition(":")
    if sep and _is_path(target):
        try:
            return f"{Path(target).expanduser().resolve()}:{attr}"
        except (OSError, ValueError):
            return ref  # load_handler reports the problem
    return ref


def load_handler(ref: str) -> Callable[..., Any]:
    """Import ``path/to/file.py:handler`` or ``package.module:handler``."""
    target, sep, attr = ref.rpartition(":")
    if not sep or not target or not attr:
        raise UserError(f"Handler reference {ref!r} must look like path/to/file.py:handler or module:handler.")
    module: ModuleType
    if _is_path(target):
        try:
            path = Path(target).expanduser().resolve()
            found = path.is_file()
        except (OSError, ValueError) as exc:  # e.g. a NUL byte or an unreadable home directory
            raise UserError(f"Invalid handler path {target!r}: {exc}") from None
        if not found:
            raise UserError(f"Handler file not found: {path}")
        name = "durable_mcp_handler_" + hashlib.sha1(str(path).encode()).hexdigest()[:12]
        module = _current_module(name, path)
    else:
        try:
            module = importlib.import_module(target)
        except Exception as exc:  # any failure while importing user code is the user's to fix
            raise UserError(f"Cannot import handler module {target!r}: {type(exc).__name__}: {exc}") from exc
    handler = getattr(module, attr, None)
    if not callable(handler):
        raise UserError(f"{target} has no callable named {attr!r}.")
    return handler  # type: ignore[no-any-return]


def _current_module(name: str, path: Path) -> ModuleType:
    """The imported handler file, imported again when it changed on disk since (an agent edits a
    handler and dry-runs it again in the same server)."""
    stat = path.stat()
    stamp = (stat.st_mtime_ns, stat.st_size)
    module = sys.modules.get(code_location(path)[1] or name)
    if module is None or getattr(module, "__durable_mcp_stamp__", None) != stamp:
        module = _import_file(name, path)
        module.__dict__["__durable_mcp_stamp__"] = stamp
    return module


def code_location(path: Path) -> tuple[Path, str | None]:
    """Where Lambda's code directory would be for ``path``, and the file's dotted module name when it
    sits in a package: ``src/order_flow/handler.py`` (with ``src/order_flow/__init__.py``) is
    ``order_flow.handler`` under ``src``, as the handler setting ``order_flow.handler.handler`` says."""
    parts = [path.stem]
    directory = path.parent
    while (directory / "__init__.py").is_file() and directory.parent != directory:
        parts.insert(0, directory.name)
        directory = directory.parent
    return directory, ".".join(parts) if len(parts) > 1 else None


def import_handler_file(path: Path, name: str) -> ModuleType:
    """Import the handler file as Lambda would: its code directory first on ``sys.path``, and a file in a
    package under its dotted name (so ``from order_flow.model import ...`` and relative imports work).

    Raises whatever importing the user's code raised.
    """
    root, dotted = code_location(path)
    # The file's own folder too: a function whose code directory is the package folder itself imports
    # its siblings flat (`import helpers`), and only the deployment says which of the two it is.
    for position, directory in enumerate(dict.fromkeys([str(root), str(path.parent)])):
        if directory in sys.path:
            sys.path.remove(directory)
        sys.path.insert(position, directory)
    if dotted is not None:
        name = dotted
        # Another project's package of the same name (an earlier dry-run in this process) must not win.
        top = dotted.split(".", 1)[0]
        for loaded in [n for n in sys.modules if n == top or n.startswith(top + ".")]:
            origin = getattr(sys.modules[loaded], "__file__", None)
            if loaded == dotted or origin is None or not Path(origin).resolve().is_relative_to(root):
                del sys.modules[loaded]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def _import_file(name: str, path: Path) -> ModuleType:
    try:
        return import_handler_file(path, name)
    except Exception as exc:
        raise UserError(f"Importing {path} failed: {type(exc).__name__}: {exc}") from exc


class _LambdaContext:
    """The attributes of Lambda's context object that handlers and the SDK read."""

    def __init__(self, function_name: str, version: str, request_id: str, deadline: float) -> None:
        self.function_name = function_name
        self.function_version = version
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:000000000000:function:{function_name}"
        self.aws_request_id = request_id
        self.memory_limit_in_mb = 128
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "local"
        self.tenant_id = None
        self.client_context = None
        self.identity = None
        self._deadline = deadline

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def is_durable_handler(handler: Callable[..., Any]) -> bool:
    """True for a function wrapped by the SDK's ``@durable_execution`` (its wrapper's code lives in the SDK)."""
    code = getattr(handler, "__code__", None)
    return code is not None and "aws_durable_execution_sdk_python" in Path(code.co_filename).parts


def error_object(exc: BaseException) -> Json:
    """Lambda's error for an unhandled exception: bare class name for builtins, else qualified.
    A handler that exits the process is Lambda's ``Runtime.ExitError``."""
    if isinstance(exc, SystemExit):
        return {
            "ErrorType": "Runtime.ExitError",
            "ErrorMessage": f"Runtime exited with error: exit status {exc.code}",
        }
    cls = type(exc)
    name = cls.__name__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"
    return {
        "ErrorType": name,
        "ErrorMessage": str(exc),
        "StackTrace": traceback.format_exception(exc)[-20:],
    }


class _LineWriter(io.TextIOBase):
    def __init__(self, emit: Callable[[str], None]) -> None:
        self._emit = emit
        self._buffer = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._buffer += text
        while "\n" in self._buffer:
            line, self._buffer = self._buffer.split("\n", 1)
            self._emit(line)
        return len(text)

    def flush(self) -> None:
        if self._buffer:
            self._emit(self._buffer)
            self._buffer = ""


class _RecordHandler(logging.Handler):
    def __init__(self, emit: Callable[[str], None], request_id: str) -> None:
        super().__init__(logging.INFO)
        self._emit = emit
        self._request_id = request_id

    def emit(self, record: logging.LogRecord) -> None:
        # The SDK's own warnings and errors belong in the function log, as in Lambda; its debug
        # chatter and the host's libraries do not.
        if record.name.startswith(_QUIET_LOGGERS) and not (
            record.name.startswith(_SDK_LOGGER) and record.levelno >= logging.WARNING
        ):
            return
        stamp = datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds")
        self._emit(f"[{record.levelname}]\t{stamp}\t{self._request_id}\t{record.getMessage()}")


@contextlib.contextmanager
def _captured(emit: Callable[[str], None], request_id: str) -> Iterator[None]:
    out, err = _LineWriter(emit), _LineWriter(emit)
    handler = _RecordHandler(emit, request_id)
    root = logging.getLogger()
    old_level = root.level
    # Lambda shows INFO from the handler; lowering the root level for our capture must not make
    # the host's own handlers (stderr) print more than they did before.
    others = [(h, h.level) for h in root.handlers]
    for other, level in others:
        other.setLevel(max(level, old_level))
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            yield
    finally:
        out.flush()
        err.flush()
        root.removeHandler(handler)
        root.setLevel(old_level)
        for other, level in others:
            other.setLevel(level)


@contextlib.contextmanager
def _in_process_latency() -> Iterator[None]:
    from aws_durable_execution_sdk_python import state

    saved = state._STOP_SIGNAL_POLL_SECONDS, state._BLOCKED_CALLER_WAIT_SECONDS
    state._STOP_SIGNAL_POLL_SECONDS = STOP_SIGNAL_POLL_SECONDS
    state._BLOCKED_CALLER_WAIT_SECONDS = BLOCKED_CALLER_WAIT_SECONDS
    try:
        yield
    finally:
        state._STOP_SIGNAL_POLL_SECONDS, state._BLOCKED_CALLER_WAIT_SECONDS = saved


class StubbedStepError(Exception):
    """Raised in place of a stubbed step's function when the stub is an error."""


def _stub_error(error: Mapping[str, Any]) -> Exception:
    # A class named after the requested ErrorType, in "builtins" so the SDK reports the bare name.
    error_type = str(error.get("ErrorType") or "StubbedStepError")
    cls: type[Exception] = type(error_type, (StubbedStepError,), {"__module__": "builtins"})
    return cls(str(error.get("ErrorMessage") or ""))


@contextlib.contextmanager
def _stubbed_steps(stubs: Mapping[str, Any] | None) -> Iterator[None]:
    if not stubs:
        yield
        return
    from aws_durable_execution_sdk_python.context import DurableContext

    original = DurableContext.step

    def step(self: Any, func: Callable[..., Any], name: str | None = None, config: Any = None) -> Any:
        step_name = DurableContext._resolve_step_name(name, func)
        if step_name is None or step_name not in stubs:
            return original(self, func, name, config)
        stub = stubs[step_name]

        def replacement(_step_context: Any) -> Any:
            if is_stub_error(stub):
                raise _stub_error(stub)
            return stub

        return original(self, replacement, step_name, config)

    setattr(DurableContext, "step", step)  # noqa: B010 - a method swap mypy would refuse
    try:
        yield
    finally:
        setattr(DurableContext, "step", original)  # noqa: B010


class PythonInvoker:
    """Runs a Python durable handler in this process, against ``client`` (our DurableService)."""

    def __init__(
        self,
        handler: str | Callable[..., Any],
        client: Any,
        *,
        function_name: str = "local-function",
        stub_steps: Mapping[str, Any] | None = None,
        log_sink: LogSink | None = None,
    ) -> None:
        self.handler_ref = handler if isinstance(handler, str) else None
        self._handler = load_handler(handler) if isinstance(handler, str) else handler
        self._client = client
        self._function_name = function_name
        self.stub_steps = dict(stub_steps or {})
        self.log_sink = log_sink

    def invoke(self, event: dict[str, Any], *, timeout_s: float) -> dict[str, Any]:
        from aws_durable_execution_sdk_python.execution import (
            DurableExecutionInvocationInput,
            DurableExecutionInvocationInputWithClient,
        )
        from aws_durable_execution_sdk_python.lambda_service import LambdaClient

        arn = str(event.get("DurableExecutionArn", ""))
        invocation_input = DurableExecutionInvocationInputWithClient.from_durable_execution_invocation_input(
            DurableExecutionInvocationInput.from_json_dict(event), LambdaClient(client=self._client)
        )
        output = self._run(arn, arn.rsplit("/", 1)[-1][:8], invocation_input, timeout_s)
        if not isinstance(output, dict):
            raise InvocationFailed(
                {
                    "ErrorType": "InvalidInvocationOutput",
                    "ErrorMessage": f"The handler returned {type(output).__name__} instead of a durable invocation "
                    "output. Is it decorated with @durable_execution?",
                }
            )
        return output

    def call(self, payload: str | None, *, timeout_s: float) -> str | None:
        """Run the handler as a standard Lambda function: the parsed payload in, its JSON response out."""
        event = json.loads(payload) if payload else {}
        return json.dumps(self._run("", self._function_name[:8], event, timeout_s))

    def _run(self, arn: str, request_prefix: str, event: Any, timeout_s: float) -> Any:
        """Call the handler on ``event`` in a thread with Lambda's context, its output captured into the
        execution's log; its exception or a timeout is the invocation's failure."""
        request_id = f"{request_prefix}-{time.monotonic_ns() % 10**12:012d}"
        context = _LambdaContext(self._function_name, "$LATEST", request_id, time.monotonic() + timeout_s)
        lines: list[str] = []
        box: dict[str, Any] = {}

        def run() -> None:
            try:
                box["output"] = self._handler(event, context)
            except BaseException as exc:  # the handler's failure is the invocation's result
                # Its stack trace starts in the handler: this frame is durable-mcp's, not the user's.
                box["error"] = exc.with_traceback(exc.__traceback__.tb_next if exc.__traceback__ else None)

        with _PROCESS_LOCK:
            lines.append(f"START RequestId: {request_id}")
            with _captured(lines.append, request_id), _in_process_latency(), _stubbed_steps(self.stub_steps):
                worker = threading.Thread(target=run, name=f"handler-{request_id}", daemon=True)
                started = time.monotonic()
                worker.start()
                worker.join(timeout_s)
            duration_ms = (time.monotonic() - started) * 1000
            lines.append(f"END RequestId: {request_id}")
            lines.append(f"REPORT RequestId: {request_id}\tDuration: {duration_ms:.2f} ms")
        if self.log_sink is not None and arn:
            self.log_sink(arn, lines)
        if worker.is_alive():
            # The thread cannot be killed; its token is revoked, so its late checkpoints are refused.
            raise InvocationFailed(timeout_error(timeout_s))
        if "error" in box:
            raise InvocationFailed(error_object(box["error"]))
        return box.get("output")

    @property
    def durable(self) -> bool:
        """Whether the handler is wrapped by the SDK's ``durable_execution`` (else a standard function)."""
        return is_durable_handler(self._handler)
