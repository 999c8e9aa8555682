"""A map whose items run on the SDK's threads: deterministic unless EXTRA_RANDOM_NAME is set, in which
case one item names its step after a random number outside the step."""

import os
import random
from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import MapConfig


def process(context: DurableContext, item: int, index: int, _items: list[int]) -> int:
    suffix = f"-{random.randint(0, 1_000_000)}" if os.environ.get("EXTRA_RANDOM_NAME") and index == 2 else ""
    return context.step(lambda _: item * 2, name=f"double-{index}{suffix}")


@durable_execution
def handler(event: dict[str, Any], context: DurableContext) -> list[int]:
    batch = context.map(list(range(6)), process, name="double-all", config=MapConfig(max_concurrency=6))
    return sorted(batch.get_results())
