"""How the service runs a handler: an ``Invoker`` takes the durable invocation event and returns
the handler's ``{"Status", "Result", "Error"}``. The engine ships the in-process Python invoker;
``durable_mcp.runtimes`` adds Node and subprocess invokers that reach the service over HTTP."""

from __future__ import annotations

from typing import Any, Protocol

from durable_mcp.engine.model import Json


class Invoker(Protocol):
    def invoke(self, event: dict[str, Any], *, timeout_s: float) -> dict[str, Any]:
        """Run one invocation; raise :class:`InvocationFailed` when the invocation itself fails."""
        ...


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
