"""AWS and engine errors become actionable user errors."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, NoCredentialsError

from durable_mcp.aws.errors import (
    AwsAccessDeniedError,
    AwsNotFoundError,
    AwsRequestError,
    AwsUnavailableError,
    aws_call,
)
from durable_mcp.engine.errors import ResourceNotFoundException

ARN = "arn:aws:lambda:us-east-1:123456789012:function:orders:3/durable-execution/order-42/0f1e"


def client_error(code: str, message: str = "boom") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "GetDurableExecution")


def raise_in_call(exc: Exception, resource: str | None = ARN) -> Exception:
    with pytest.raises(Exception) as caught, aws_call("lambda:GetDurableExecution", resource):
        raise exc
    return caught.value


def test_access_denied_names_the_action_from_the_message():
    err = raise_in_call(
        client_error(
            "AccessDeniedException",
            "User: arn:aws:iam::1:user/x is not authorized to perform: lambda:GetDurableExecutionHistory on resource",
        )
    )
    assert isinstance(err, AwsAccessDeniedError) and err.action == "lambda:GetDurableExecutionHistory"


def test_access_denied_falls_back_to_the_called_action():
    err = raise_in_call(client_error("AccessDenied", "no"))
    assert isinstance(err, AwsAccessDeniedError) and "lambda:GetDurableExecution" in str(err)


@pytest.mark.parametrize("exc", [NoCredentialsError(), client_error("ExpiredTokenException")])
def test_missing_or_expired_credentials_are_a_dedicated_error(exc):
    err = raise_in_call(exc)
    assert isinstance(err, AwsUnavailableError) and "without AWS" in str(err)


def test_missing_execution_mentions_retention_for_aws_and_engine_errors():
    for exc in (client_error("ResourceNotFoundException"), ResourceNotFoundException("no such execution")):
        err = raise_in_call(exc)
        assert isinstance(err, AwsNotFoundError) and "retention period" in str(err)


def test_other_codes_keep_code_and_message():
    err = raise_in_call(client_error("InvalidParameterValueException", "bad marker"), resource=None)
    assert isinstance(err, AwsRequestError) and str(err) == "InvalidParameterValueException: bad marker"


def test_unknown_exceptions_pass_through():
    err = raise_in_call(ValueError("bug"))
    assert isinstance(err, ValueError)
