from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration
from aws_durable_execution_sdk_python.waits import WaitForConditionConfig, WaitForConditionDecision


def check(state: dict, _ctx: Any) -> dict:
    attempts = state["attempts"] + 1
    return {"status": "DONE" if attempts >= 2 else "PENDING", "attempts": attempts}


def while_pending(state: dict, _attempts_made: int) -> WaitForConditionDecision:
    if state["status"] == "PENDING":
        return WaitForConditionDecision.continue_waiting(Duration.from_seconds(1))
    return WaitForConditionDecision.stop_polling()


@durable_execution
def handler(event: Any, context: DurableContext) -> dict:
    config = WaitForConditionConfig(while_pending, initial_state={"status": "PENDING", "attempts": 0})
    return context.wait_for_condition(check, config)
