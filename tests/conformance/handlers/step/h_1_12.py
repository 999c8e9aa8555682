from typing import Any

from aws_durable_execution_sdk_python import DurableContext, StepContext, StepError, durable_execution
from aws_durable_execution_sdk_python.config import Duration, StepConfig, StepSemantics
from aws_durable_execution_sdk_python.retries import RetryDecision

from tests.conformance.handlers.common import (
    NO_RETRY, TransientError, UppercaseSerDes, always_fail, echo, fail_until, fixed_retry, greet,
)


@durable_execution
def handler(event: Any, context: DurableContext) -> str:
    return context.step(always_fail("always fails"), name="always_fail", config=fixed_retry(4))
