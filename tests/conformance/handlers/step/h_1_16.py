from typing import Any

from aws_durable_execution_sdk_python import DurableContext, StepContext, StepError, durable_execution
from aws_durable_execution_sdk_python.config import Duration, StepConfig, StepSemantics
from aws_durable_execution_sdk_python.retries import RetryDecision

from tests.conformance.handlers.common import (
    NO_RETRY, TransientError, UppercaseSerDes, always_fail, echo, fail_until, fixed_retry, greet,
)


def no_retry_on_transient(error: Exception, attempts_made: int) -> RetryDecision:
    if isinstance(error, TransientError):
        return RetryDecision.no_retry()
    return RetryDecision.retry(Duration.from_seconds(1))


@durable_execution
def handler(event: Any, context: DurableContext) -> str:
    return context.step(fail_until(99, "never"), config=StepConfig(retry_strategy=no_retry_on_transient))
