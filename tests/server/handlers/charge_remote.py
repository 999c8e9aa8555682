"""A handler that charges through another Lambda function, used by the server tests."""

from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    return context.invoke("payments", {"amount": event["amount"]}, name="charge")
