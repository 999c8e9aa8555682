"""Execution ARNs and function identifiers."""

from __future__ import annotations

import pytest

from durable_mcp.aws.arns import parse_execution_arn, parse_function, require_qualified
from durable_mcp.errors import UserError

ARN = "arn:aws:lambda:eu-west-1:123456789012:function:orders:$LATEST/durable-execution/order-42/0f1e"


def test_execution_arn_parts_and_console_link():
    arn = parse_execution_arn(ARN)
    assert (arn.region, arn.function, arn.qualifier, arn.name, arn.invocation_id) == (
        "eu-west-1",
        "orders",
        "$LATEST",
        "order-42",
        "0f1e",
    )
    assert not arn.is_local
    assert arn.console_url == (
        "https://eu-west-1.console.aws.amazon.com/lambda/home?region=eu-west-1"
        "#/functions/orders/versions/%24LATEST/executions/order-42/0f1e"
    )
    assert arn.log_group == "/aws/lambda/orders"


def test_local_arns_are_told_apart_by_account():
    assert parse_execution_arn(ARN.replace("123456789012", "000000000000")).is_local


def test_a_wrong_arn_says_what_is_expected():
    with pytest.raises(UserError, match="durable-execution/EXECUTION_NAME"):
        parse_execution_arn("arn:aws:lambda:eu-west-1:123456789012:function:orders")


@pytest.mark.parametrize(
    ("identifier", "qualifier"),
    [
        ("orders:live", "live"),
        ("orders:7", "7"),
        ("orders:$LATEST", "$LATEST"),
        ("arn:aws:lambda:us-east-1:123456789012:function:orders:live", "live"),
        ("123456789012:function:orders:3", "3"),
    ],
)
def test_qualified_forms_are_accepted(identifier, qualifier):
    ref = require_qualified(identifier)
    assert ref.function == "orders" and ref.qualifier == qualifier


@pytest.mark.parametrize("identifier", ["orders", "arn:aws:lambda:us-east-1:123456789012:function:orders"])
def test_unqualified_functions_are_refused_with_the_forms_to_use(identifier):
    with pytest.raises(UserError) as err:
        require_qualified(identifier)
    message = str(err.value)
    assert "unqualified" in message and "'orders:live'" in message and "'orders:$LATEST'" in message


def test_garbage_is_not_a_function():
    with pytest.raises(UserError):
        parse_function("not a function!")
