"""Start a durable execution by invoking a qualified function."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel

from durable_mcp.aws.arns import require_qualified
from durable_mcp.aws.errors import aws_call, response_headers
from durable_mcp.aws.session import LambdaLike
from durable_mcp.inspect.models import SensitiveText

InvocationType = Literal["Event", "RequestResponse"]


class InvokeResult(BaseModel):
    function: str
    execution_arn: str | None
    execution_name: str | None = None
    invocation_type: InvocationType
    status_code: int | None = None
    executed_version: str | None = None
    function_error: str | None = None
    payload: SensitiveText = None


def _encode(payload: Any) -> bytes:
    if payload is None:
        return b"{}"
    if isinstance(payload, bytes):
        return payload
    if isinstance(payload, str):
        return payload.encode()
    return json.dumps(payload).encode()


def _read(body: Any) -> str | None:
    if body is None:
        return None
    raw = body.read() if hasattr(body, "read") else body
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


def invoke(
    client: LambdaLike,
    function: str,
    payload: Any = None,
    execution_name: str | None = None,
    invocation_type: InvocationType = "Event",
) -> InvokeResult:
    """Invoke ``function`` (version, alias or ``$LATEST``) and return the durable execution ARN.

    ``execution_name`` makes the start idempotent: the same name and payload return the existing
    execution. ``Event`` (asynchronous) suits executions longer than the 15-minute synchronous limit.
    """
    ref = require_qualified(function)
    kwargs: dict[str, Any] = {
        "FunctionName": ref.identifier,
        "InvocationType": invocation_type,
        "Payload": _encode(payload),
    }
    if execution_name:
        kwargs["DurableExecutionName"] = execution_name
    with aws_call("lambda:InvokeFunction", ref.identifier):
        response = client.invoke(**kwargs)
    headers = response_headers(response)
    return InvokeResult(
        function=ref.identifier,
        execution_arn=response.get("DurableExecutionArn") or headers.get("x-amz-durable-execution-arn"),
        execution_name=execution_name,
        invocation_type=invocation_type,
        status_code=response.get("StatusCode"),
        executed_version=response.get("ExecutedVersion") or headers.get("x-amz-executed-version"),
        function_error=response.get("FunctionError"),
        payload=_read(response.get("Payload")),
    )
