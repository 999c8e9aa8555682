from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.waits import WaitForConditionConfig

from tests.conformance.handlers.wait_for_condition.shared import increment, until_at_least


@durable_execution
def handler(event: Any, context: DurableContext) -> int:
    reached = context.wait_for_condition(increment, WaitForConditionConfig(until_at_least(event), initial_state=0))
    return context.step(lambda _ctx: reached * 10, name="times_ten")
