"""A handler that reads the clock outside a step: replay gives a different step name."""

import time
from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration


@durable_execution
def handler(event: Any, context: DurableContext) -> str:
    stamp = int(time.time() * 1000)
    context.wait(Duration.from_seconds(1), name="pause")
    return context.step(lambda _: "done", name=f"finish-{stamp}")
