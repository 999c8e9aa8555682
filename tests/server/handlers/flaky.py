"""A handler whose step always fails after retries, used by the server tests."""

from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration, StepConfig
from aws_durable_execution_sdk_python.retries import RetryStrategyConfig, create_retry_strategy


def charge(_ctx: Any) -> None:
    print("charging card-on-file")
    raise RuntimeError("payment gateway unavailable")


@durable_execution
def handler(event: Any, context: DurableContext) -> str:
    retry = create_retry_strategy(RetryStrategyConfig(max_attempts=3, initial_delay=Duration.from_seconds(2)))
    context.step(charge, name="charge", config=StepConfig(retry_strategy=retry))
    return "paid"
