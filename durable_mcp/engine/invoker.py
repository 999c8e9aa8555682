"""How the service runs a handler: an ``Invoker`` takes the durable invocation event and returns
the handler's ``{"Status", "Result", "Error"}``. The engine ships the in-process Python invoker;
``durable_mcp.runtimes`` adds Node and subprocess invokers that reach the service over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from durable_mcp.engine.model import MAX_SYNC_PAYLOAD, Json, utf8_len


class Invoker(Protocol):
    def invoke(self, event: dict[str, Any], *, timeout_s: float) -> dict[str, Any]:
        """Run one invocation; raise :class:`InvocationFailed` when the invocation itself fails."""
        ...


class FunctionCaller(Protocol):
    """A standard (not durable) Lambda function, as a chained invoke may target: one call, no checkpoints."""

    def call(self, payload: str | None, *, timeout_s: float) -> str | None:
        """Run the function on the JSON ``payload`` and return its JSON response; raise
        :class:`InvocationFailed` when it fails."""
        ...


InvokerFactory = Callable[[str, Json | None], Invoker]
"""Rebuilds an invoker from what an execution stores (its handler reference and step stubs), so that
another process can resume it: a callback answered tomorrow, after the server restarted."""


class InvocationFailed(Exception):
    """The invocation failed as a Lambda invocation (crash, timeout, unhandled error), as opposed
    to the handler reporting a durable outcome. The service records it on InvocationCompleted and
    retries the invocation."""

    def __init__(self, error: Json) -> None:
        super().__init__(error.get("ErrorMessage", "invocation failed"))
        self.error = error


def timeout_error(timeout_s: float) -> Json:
    """Lambda's error for an invocation that ran past the function timeout."""
    return {"ErrorType": "Sandbox.Timedout", "ErrorMessage": f"Task timed out after {timeout_s:.2f} seconds"}


def invalid_output(output: Json | None) -> Json | None:
    """The error Lambda reports for a handler answer the service cannot accept, else None."""

    def bad(message: str) -> Json:
        return {"ErrorType": "InvalidInvocationOutput", "ErrorMessage": message}

    if not isinstance(output, dict):
        return bad(f"The handler returned {type(output).__name__}, not a durable invocation output object.")
    status = output.get("Status")
    if status not in ("SUCCEEDED", "FAILED", "PENDING"):
        return bad(
            f"The handler returned Status {status!r}; expected SUCCEEDED, FAILED or PENDING "
            "(is the handler wrapped by the durable execution SDK?)."
        )
    result = output.get("Result")
    if status == "SUCCEEDED" and result is not None and not isinstance(result, str):
        return bad("Result must be a JSON string.")
    if utf8_len(result if isinstance(result, str) else None) > MAX_SYNC_PAYLOAD:
        return {
            "ErrorType": "Function.ResponseSizeTooLarge",
            "ErrorMessage": f"Response payload size exceeded maximum allowed payload size ({MAX_SYNC_PAYLOAD} bytes).",
        }
    return None
