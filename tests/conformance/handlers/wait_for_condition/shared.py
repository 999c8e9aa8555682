"""Helpers shared by the wait_for_condition conformance handlers: item functions, configs and serdes."""

from typing import Any

from aws_durable_execution_sdk_python.config import Duration
from aws_durable_execution_sdk_python.waits import (
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
