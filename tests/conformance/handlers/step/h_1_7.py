from typing import Any

from aws_durable_execution_sdk_python import DurableContext, StepContext, StepError, durable_execution
from aws_durable_execution_sdk_python.config import Duration, StepConfig, StepSemantics
from aws_durable_execution_sdk_python.retries import RetryDecision

from tests.conformance.handlers.common import (
    NO_RETRY, TransientError, UppercaseSerDes, always_fail, echo, fail_until, fixed_retry, greet,
)


@durable_execution
def handler(event: Any, context: DurableContext) -> str:
    def greet_logged(ctx: StepContext) -> str:
        ctx.logger.info(f"Greeting step started for: {event}")
        greeting = f"Hello, {event}!"
        ctx.logger.info(f"Greeting step completed with: {greeting}")
        return greeting

    return context.step(greet_logged)
