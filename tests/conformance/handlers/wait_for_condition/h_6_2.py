from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.waits import WaitForConditionConfig

from tests.conformance.handlers.wait_for_condition.shared import until_at_least


@durable_execution
def handler(event: Any, context: DurableContext) -> int:
    unchanged = lambda state, _ctx: state  # noqa: E731
    return context.wait_for_condition(unchanged, WaitForConditionConfig(until_at_least(5), initial_state=event))
