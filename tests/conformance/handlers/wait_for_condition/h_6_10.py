from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.waits import WaitForConditionConfig, WaitForConditionDecision


@durable_execution
def handler(event: Any, context: DurableContext) -> None:
    stop = lambda _state, _attempts: WaitForConditionDecision.stop_polling()  # noqa: E731
    return context.wait_for_condition(lambda _state, _ctx: None, WaitForConditionConfig(stop, initial_state=None))
