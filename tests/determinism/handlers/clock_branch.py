"""Non-deterministic: branches on the wall clock outside any step."""

from datetime import datetime
from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration


@durable_execution
def handler(event: dict[str, Any], context: DurableContext) -> str:
    context.step(lambda _: "ok", name="validate")
    context.wait(Duration.from_seconds(5), name="pause")
    shift = "morning" if datetime.now().hour < 12 else "evening"
    return context.step(lambda _: shift, name=f"greet-{shift}")
