from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration
from aws_durable_execution_sdk_python.waits import (
    WaitForConditionConfig,
    WaitForConditionDecision,
)


def increment(state: int, _ctx: Any) -> int:
    return state + 1


def until_at_least(threshold: int, delay_seconds: int = 1):
    """Keep polling (every ``delay_seconds``) while the state is below ``threshold``."""

    def strategy(state: Any, _attempts_made: int) -> WaitForConditionDecision:
        if state >= threshold:
            return WaitForConditionDecision.stop_polling()
        return WaitForConditionDecision.continue_waiting(Duration.from_seconds(delay_seconds))

    return strategy


def broken_check(_state: Any, _ctx: Any) -> Any:
    raise RuntimeError("status endpoint unavailable")


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    return context.wait_for_condition(broken_check, WaitForConditionConfig(until_at_least(1), initial_state=0))
