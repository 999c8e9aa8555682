"""A long sequential handler for the kill -9 test: each step takes a few milliseconds."""

from __future__ import annotations

import time
from typing import Any

from aws_durable_execution_sdk_python import DurableContext, StepContext, durable_execution


@durable_execution
def handler(event: Any, context: DurableContext) -> int:
    def work(index: int) -> Any:
        def run(_ctx: StepContext) -> int:
            time.sleep(0.003)
            return index * index

        return run

    total = 0
    for index in range(int(event)):
        total += context.step(work(index), name=f"step-{index}")
        if index % 50 == 49:
            context.wait(context_seconds(), name=f"pause-{index}")
    return total


def context_seconds() -> Any:
    from aws_durable_execution_sdk_python.config import Duration

    return Duration.from_seconds(1)
