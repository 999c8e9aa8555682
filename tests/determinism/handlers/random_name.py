"""Non-deterministic: a step name drawn from random outside any step."""

import random
from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration


@durable_execution
def handler(event: dict[str, Any], context: DurableContext) -> int:
    context.wait(Duration.from_seconds(5), name="pause")
    bucket = random.randint(1, 1_000_000)
    return context.step(lambda _: bucket, name=f"bucket-{bucket}")
