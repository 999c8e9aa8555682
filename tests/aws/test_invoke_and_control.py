"""Invoke and the thin control calls."""

from __future__ import annotations

import pytest
from botocore.stub import Stubber

from durable_mcp.aws import control
from durable_mcp.aws.invoke import invoke
from durable_mcp.aws.session import AwsClients
from durable_mcp.errors import UserError
from durable_mcp.inspect.redact import REDACTED, redact
from tests.aws.lambda_fixtures import create_function
from tests.inspect.histories import ARN, T0


@pytest.fixture
def clients(aws_env: str) -> AwsClients:
    return AwsClients()


def test_invoke_by_alias_reaches_the_function(clients):
    create_function("invoke-me")
    result = invoke(clients.lambda_client(), "invoke-me:live", {"order": 42}, invocation_type="RequestResponse")
    assert result.status_code == 200 and result.function == "invoke-me:live"
    assert redact(result).payload == REDACTED


def test_unqualified_names_are_refused_before_any_call(clients):
    with pytest.raises(UserError, match="unqualified"):
        invoke(clients.lambda_client(), "invoke-me", {})


def test_execution_name_is_sent_and_the_execution_arn_returned(clients):
    lam = clients.client("lambda")
    with Stubber(lam) as stub:
        stub.add_response(
            "invoke",
            {"StatusCode": 202, "DurableExecutionArn": ARN},
            {
                "FunctionName": "orders:live",
                "InvocationType": "Event",
                "Payload": b'{"order": 42}',
                "DurableExecutionName": "order-42",
            },
        )
        result = invoke(lam, "orders:live", {"order": 42}, execution_name="order-42")
    assert result.execution_arn == ARN and result.status_code == 202


def test_control_calls_send_the_service_shapes(clients):
    lam = clients.client("lambda")
    with Stubber(lam) as stub:
        stub.add_response(
            "stop_durable_execution",
            {"StopTimestamp": T0},
            {"DurableExecutionArn": ARN, "Error": {"ErrorType": "Cancelled", "ErrorMessage": "by ops"}},
        )
        stub.add_response(
            "pause_durable_execution",
            {},
            {"DurableExecutionArn": ARN, "ExecutionTimeoutPaused": True, "Reason": "deploy"},
        )
        stub.add_response("resume_durable_execution", {}, {"DurableExecutionArn": ARN})
        stub.add_response("send_durable_execution_callback_success", {}, {"CallbackId": "Y2I=", "Result": b'"ok"'})
        stub.add_response(
            "send_durable_execution_callback_failure", {}, {"CallbackId": "Y2I=", "Error": {"ErrorType": "Rejected"}}
        )
        stub.add_response("send_durable_execution_callback_heartbeat", {}, {"CallbackId": "Y2I="})
        assert control.stop_execution(lam, ARN, "Cancelled", "by ops").at == T0
        assert control.pause_execution(lam, ARN, "deploy").action == "pause"
        control.resume_execution(lam, ARN)
        control.send_callback_success(lam, "Y2I=", '"ok"')
        control.send_callback_failure(lam, "Y2I=", "Rejected")
        assert control.send_callback_heartbeat(lam, "Y2I=").target == "Y2I="
        stub.assert_no_pending_responses()


def test_a_callback_that_already_timed_out_is_a_clear_error(clients):
    lam = clients.client("lambda")
    with Stubber(lam) as stub:
        stub.add_client_error(
            "send_durable_execution_callback_heartbeat", "CallbackTimeoutException", "Callback timed out", 400
        )
        with pytest.raises(UserError, match="CallbackTimeoutException: Callback timed out"):
            control.send_callback_heartbeat(lam, "Y2I=")
