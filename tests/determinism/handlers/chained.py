"""Deterministic: a step, then a chained invoke of another durable function."""

from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution


@durable_execution
def handler(event: dict[str, Any], context: DurableContext) -> Any:
    doubled = context.step(lambda _: event["amount"] * 2, name="double")
    return context.invoke("echo", {"doubled": doubled}, name="call-echo")
