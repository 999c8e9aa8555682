from typing import Any

from aws_durable_execution_sdk_python import DurableContext, WaitForConditionError, durable_execution
from aws_durable_execution_sdk_python.config import Duration, JitterStrategy
from aws_durable_execution_sdk_python.serdes import SerDes, SerDesContext
from aws_durable_execution_sdk_python.waits import (
    WaitForConditionConfig,
    WaitForConditionDecision,
    WaitStrategyConfig,
    create_wait_strategy,
)

from tests.conformance.handlers.common import echo


def increment(state: int, _ctx: Any) -> int:
    return state + 1


def until_at_least(threshold: int, delay_seconds: int = 1):
    """Keep polling (every ``delay_seconds``) while the state is below ``threshold``."""

    def strategy(state: Any, _attempts_made: int) -> WaitForConditionDecision:
        if state >= threshold:
            return WaitForConditionDecision.stop_polling()
        return WaitForConditionDecision.continue_waiting(Duration.from_seconds(delay_seconds))

    return strategy


@durable_execution
def handler(event: Any, context: DurableContext) -> int:
    reached = context.wait_for_condition(increment, WaitForConditionConfig(until_at_least(event), initial_state=0))
    return context.step(lambda _ctx: reached * 10, name="times_ten")
