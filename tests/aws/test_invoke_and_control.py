"""Invoke against moto (which has no durable API). The execution name, the control calls and their
errors run against the real engine over HTTP in test_local_endpoint.py."""

from __future__ import annotations

import pytest

from durable_mcp.aws.invoke import invoke
from durable_mcp.aws.session import AwsClients
from durable_mcp.errors import UserError
from durable_mcp.inspect.redact import REDACTED, redact
from tests.aws.lambda_fixtures import create_function


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
