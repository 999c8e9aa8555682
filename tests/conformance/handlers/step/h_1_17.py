from typing import Any

from aws_durable_execution_sdk_python import DurableContext, StepContext, durable_execution
from aws_durable_execution_sdk_python.config import StepConfig, StepSemantics

from tests.conformance.handlers.common import NO_RETRY, crash_runtime, fixed_retry


@durable_execution
def handler(event: Any, context: DurableContext) -> str:
    def flaky(ctx: StepContext) -> str:
        ctx.logger.info(f"at-most-once step running for: {event}")
        crash_runtime()
        return "unreachable"

    config = StepConfig(retry_strategy=NO_RETRY.retry_strategy, step_semantics=StepSemantics.AT_MOST_ONCE_PER_RETRY)
    return context.step(flaky, name="at_most_once_flaky_step", config=config)
