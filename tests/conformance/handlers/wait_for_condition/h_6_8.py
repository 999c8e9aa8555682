from typing import Any

from aws_durable_execution_sdk_python import DurableContext, WaitForConditionError, durable_execution
from aws_durable_execution_sdk_python.waits import WaitForConditionConfig

from tests.conformance.handlers.wait_for_condition.shared import until_at_least


def broken_check(_state: Any, _ctx: Any) -> Any:
    raise RuntimeError("status endpoint unavailable")


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    try:
        return context.wait_for_condition(broken_check, WaitForConditionConfig(until_at_least(1), initial_state=0))
    except WaitForConditionError:
        return "recovered"
