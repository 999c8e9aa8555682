"""Thin control calls: stop, callbacks (success, failure, heartbeat), pause and resume."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel

from durable_mcp.aws.errors import aws_call
from durable_mcp.aws.session import LambdaLike


class ControlResult(BaseModel):
    action: Literal["stop", "pause", "resume", "callback_success", "callback_failure", "callback_heartbeat"]
    target: str
    at: datetime


def _error_object(error_type: str | None, message: str | None, data: str | None = None) -> dict[str, str]:
    error = {"ErrorType": error_type, "ErrorMessage": message, "ErrorData": data}
    return {key: value for key, value in error.items() if value is not None}


def stop_execution(
    client: LambdaLike, execution_arn: str, error_type: str | None = None, error_message: str | None = None
) -> ControlResult:
    kwargs: dict[str, Any] = {"DurableExecutionArn": execution_arn}
    error = _error_object(error_type, error_message)
    if error:
        kwargs["Error"] = error
    with aws_call("lambda:StopDurableExecution", execution_arn):
        response = client.stop_durable_execution(**kwargs)
    return ControlResult(action="stop", target=execution_arn, at=response.get("StopTimestamp") or _now())


def pause_execution(
    client: LambdaLike, execution_arn: str, reason: str | None = None, pause_timeout: bool = True
) -> ControlResult:
    kwargs: dict[str, Any] = {"DurableExecutionArn": execution_arn, "ExecutionTimeoutPaused": pause_timeout}
    if reason:
        kwargs["Reason"] = reason
    with aws_call("lambda:PauseDurableExecution", execution_arn):
        client.pause_durable_execution(**kwargs)
    return ControlResult(action="pause", target=execution_arn, at=_now())


def resume_execution(client: LambdaLike, execution_arn: str, reason: str | None = None) -> ControlResult:
    kwargs: dict[str, Any] = {"DurableExecutionArn": execution_arn}
    if reason:
        kwargs["Reason"] = reason
    with aws_call("lambda:ResumeDurableExecution", execution_arn):
        client.resume_durable_execution(**kwargs)
    return ControlResult(action="resume", target=execution_arn, at=_now())


def send_callback_success(client: LambdaLike, callback_id: str, result: str | bytes | None = None) -> ControlResult:
    kwargs: dict[str, Any] = {"CallbackId": callback_id}
    if result is not None:
        kwargs["Result"] = result.encode() if isinstance(result, str) else result
    with aws_call("lambda:SendDurableExecutionCallbackSuccess", callback_id):
        client.send_durable_execution_callback_success(**kwargs)
    return ControlResult(action="callback_success", target=callback_id, at=_now())


def send_callback_failure(
    client: LambdaLike,
    callback_id: str,
    error_type: str | None = None,
    error_message: str | None = None,
    error_data: str | None = None,
) -> ControlResult:
    kwargs: dict[str, Any] = {"CallbackId": callback_id}
    error = _error_object(error_type, error_message, error_data)
    if error:
        kwargs["Error"] = error
    with aws_call("lambda:SendDurableExecutionCallbackFailure", callback_id):
        client.send_durable_execution_callback_failure(**kwargs)
    return ControlResult(action="callback_failure", target=callback_id, at=_now())


def send_callback_heartbeat(client: LambdaLike, callback_id: str) -> ControlResult:
    with aws_call("lambda:SendDurableExecutionCallbackHeartbeat", callback_id):
        client.send_durable_execution_callback_heartbeat(CallbackId=callback_id)
    return ControlResult(action="callback_heartbeat", target=callback_id, at=_now())


def _now() -> datetime:
    return datetime.now(UTC)
