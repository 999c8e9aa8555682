"""A durable handler for the sweep that finishes at once, echoing its event through a step."""

from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    return context.step(lambda _: event, name="echo")
