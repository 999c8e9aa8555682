"""Errors of the durable execution service, one class per AWS error name.

Each error carries the code and HTTP status the real service uses, so the HTTP endpoint can
translate it 1:1 and boto3 raises the matching named exception. ``response`` mimics botocore's
``ClientError.response``: the Python SDK classifies a failed checkpoint from exactly that shape
(4xx is fatal for the execution, 429/5xx and "Invalid checkpoint token" are retried).
"""

from __future__ import annotations

from typing import Any, ClassVar

INVALID_CHECKPOINT_TOKEN = "Invalid checkpoint token"


class ServiceError(Exception):
    code: ClassVar[str] = "ServiceException"
    http_status: ClassVar[int] = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def response(self) -> dict[str, Any]:
        return {
            "Error": {"Code": self.code, "Message": self.message},
            "ResponseMetadata": {"HTTPStatusCode": self.http_status},
        }

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class ResourceNotFoundException(ServiceError):
    code = "ResourceNotFoundException"
    http_status = 404


class InvalidParameterValueException(ServiceError):
    code = "InvalidParameterValueException"
    http_status = 400


class ResourceConflictException(ServiceError):
    code = "ResourceConflictException"
    http_status = 409


class CallbackTimeoutException(ServiceError):
    code = "CallbackTimeoutException"
    http_status = 400


class DurableExecutionAlreadyStartedException(ServiceError):
    code = "DurableExecutionAlreadyStartedException"
    http_status = 409


class TooManyRequestsException(ServiceError):
    code = "TooManyRequestsException"
    http_status = 429


class RequestTooLargeException(ServiceError):
    code = "RequestTooLargeException"
    http_status = 413


class ServiceException(ServiceError):
    code = "ServiceException"
    http_status = 500


class InvalidCheckpointToken(InvalidParameterValueException):
    """A stale or foreign token; the message prefix makes the SDK retry the invocation."""

    def __init__(self, detail: str = "") -> None:
        suffix = f": {detail}" if detail else "."
        super().__init__(f"{INVALID_CHECKPOINT_TOKEN}{suffix}")


ERROR_CLASSES: dict[str, type[ServiceError]] = {
    cls.code: cls
    for cls in (
        ResourceNotFoundException,
        InvalidParameterValueException,
        ResourceConflictException,
        CallbackTimeoutException,
        DurableExecutionAlreadyStartedException,
        TooManyRequestsException,
        RequestTooLargeException,
        ServiceException,
    )
}
