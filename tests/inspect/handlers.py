"""Real durable handlers that end (or hang) in each way the diagnosis must recognise.

Every payload carries SECRET so redaction tests can look for it in the outputs.
"""

from __future__ import annotations

import itertools
from typing import Any

from aws_durable_execution_sdk_python import DurableContext, StepContext, durable_execution
from aws_durable_execution_sdk_python.config import CallbackConfig, Duration, StepConfig
from aws_durable_execution_sdk_python.retries import (
    JitterStrategy,
    RetryPresets,
    RetryStrategyConfig,
    create_retry_strategy,
)

SECRET = "4111-1111-1111-1111"


class PaymentDeclinedError(Exception):
    pass


def _decline(_: StepContext) -> str:
    print(f"charging card {SECRET}")
    raise PaymentDeclinedError(f"card {SECRET} declined")


@durable_execution
def failed_step(event: Any, context: DurableContext) -> str:
    context.step(lambda _: f"validated {SECRET}", name="validate")
    return context.step(_decline, name="charge-card", config=StepConfig(retry_strategy=RetryPresets.none()))


@durable_execution
def retrying_step(event: Any, context: DurableContext) -> str:
    config = RetryStrategyConfig(
        max_attempts=5, initial_delay=Duration.from_seconds(60), jitter_strategy=JitterStrategy.NONE
    )
    return context.step(_decline, name="charge-card", config=StepConfig(retry_strategy=create_retry_strategy(config)))


@durable_execution
def waiting(event: Any, context: DurableContext) -> str:
    context.step(lambda _: SECRET, name="reserve")
    context.wait(Duration.from_minutes(5), name="cool-off")
    return SECRET


@durable_execution
def approval(event: Any, context: DurableContext) -> Any:
    config = CallbackConfig(
        timeout=Duration.from_seconds(int(event.get("timeout", 0))),
        heartbeat_timeout=Duration.from_seconds(int(event.get("heartbeat", 0))),
    )
    return context.create_callback(name="approval", config=config).result()


@durable_execution
def slow(event: Any, context: DurableContext) -> str:
    context.wait(Duration.from_minutes(20), name="long-wait")
    return SECRET


_invocations = itertools.count(1)


@durable_execution
def non_deterministic(event: Any, context: DurableContext) -> str:
    # The step name changes on every invocation, so the replay after the wait does not match.
    context.step(lambda _: SECRET, name=f"reserve-{next(_invocations)}")
    context.wait(Duration.from_seconds(1), name="pause")
    return SECRET


@durable_execution
def payments(event: Any, context: DurableContext) -> str:
    return context.step(_decline, name="charge", config=StepConfig(retry_strategy=RetryPresets.none()))


@durable_execution
def orchestrator(event: Any, context: DurableContext) -> Any:
    return context.invoke("payments:live", {"card": SECRET}, name="pay")


@durable_execution
def many_steps(event: Any, context: DurableContext) -> int:
    total = 0
    for index in range(int(event)):
        total += context.step(lambda _, i=index: i, name=f"item-{index}")
    return total
