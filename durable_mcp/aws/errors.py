"""One translation of AWS (botocore) and local engine errors into actionable user errors.

botocore's ``ClientError`` and the engine's ``ServiceError`` both expose
``response["Error"]["Code"]``, so one function serves both targets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from durable_mcp.errors import UserError


class AwsUnavailableError(UserError):
    """No usable credentials, region or endpoint: the caller may choose to continue without AWS."""


class AwsAccessDeniedError(UserError):
    def __init__(self, action: str, detail: str) -> None:
        super().__init__(
            f"Access denied: the caller lacks permission for {action}. Grant {action} on the resource "
            f"(for durable executions: arn:aws:lambda:REGION:ACCOUNT:function:NAME:*) and retry. AWS said: {detail}"
        )
        self.action = action


class AwsNotFoundError(UserError):
    pass


class AwsRequestError(UserError):
    """AWS refused the request (bad parameter, conflict, throttled, service error)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


_CREDENTIAL_CODES = frozenset(
    {
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "RequestExpired",
        "InvalidAccessKeyId",
    }
)
_CREDENTIAL_EXCEPTIONS = frozenset(
    {
        "NoCredentialsError",
        "PartialCredentialsError",
        "CredentialRetrievalError",
        "TokenRetrievalError",
        "UnauthorizedSSOTokenError",
        "SSOTokenLoadError",
        "ProfileNotFound",
    }
)
_THROTTLING = frozenset({"TooManyRequestsException", "ThrottlingException", "Throttling", "RequestLimitExceeded"})
_ACTION_IN_MESSAGE = re.compile(r"not authorized to perform:? (?P<action>[a-zA-Z0-9-]+:[a-zA-Z0-9*]+)")


def error_code(exc: BaseException) -> str | None:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = (response.get("Error") or {}).get("Code")
        return str(code) if code else None
    return None


def _message(exc: BaseException) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        message = (response.get("Error") or {}).get("Message")
        if message:
            return str(message)
    return str(exc)


def translate(exc: BaseException, action: str, resource: str | None = None) -> UserError | None:
    """Map ``exc`` raised while calling ``action`` (e.g. ``lambda:GetDurableExecution``) to a UserError."""
    name = type(exc).__name__
    if name in _CREDENTIAL_EXCEPTIONS:
        return AwsUnavailableError(
            f"AWS credentials are missing or expired ({exc}). Log in again (e.g. `aws sso login`), set "
            "AWS_PROFILE or pass --profile, or continue without AWS (local executions keep working)."
        )
    if name == "NoRegionError":
        return AwsUnavailableError("No AWS region configured: pass --region or set AWS_REGION.")
    if name in {"EndpointConnectionError", "ConnectTimeoutError", "ConnectionClosedError"}:
        return AwsUnavailableError(f"Cannot reach the AWS endpoint ({exc}). Check the network or --endpoint-url.")
    code = error_code(exc)
    if code is None:
        return None
    message = _message(exc)
    if code in _CREDENTIAL_CODES:
        return AwsUnavailableError(
            f"AWS rejected the credentials ({code}: {message}). Refresh them (e.g. `aws sso login`) or "
            "continue without AWS."
        )
    if code.startswith("AccessDenied") or code in {"AuthorizationError", "UnauthorizedOperation"}:
        match = _ACTION_IN_MESSAGE.search(message)
        return AwsAccessDeniedError(match["action"] if match else action, message)
    if code in {"ResourceNotFoundException", "NotFoundException", "NoSuchEntity", "NoSuchBucket"}:
        if resource and "/durable-execution/" in resource:
            return AwsNotFoundError(
                f"Durable execution not found: {resource}. Check the ARN and region; the execution may have "
                "passed its retention period (DurableConfig.RetentionPeriodInDays, 1-90 days, default 14) "
                "and been purged."
            )
        return AwsNotFoundError(f"Not found: {resource or action} ({message}).")
    if code in _THROTTLING:
        return AwsRequestError(code, f"{message} (still throttled after retries; try again shortly)")
    return AwsRequestError(code, message)


@contextmanager
def aws_call(action: str, resource: str | None = None) -> Iterator[None]:
    """Run an AWS or engine call, turning known failures into user errors."""
    try:
        yield
    except UserError:
        raise
    except Exception as exc:
        mapped = translate(exc, action, resource)
        if mapped is None:
            raise
        raise mapped from exc


def response_headers(response: dict[str, Any]) -> dict[str, str]:
    meta = response.get("ResponseMetadata") or {}
    headers = meta.get("HTTPHeaders") or {}
    return {str(k).lower(): str(v) for k, v in headers.items()}
