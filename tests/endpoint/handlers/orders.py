"""A small durable handler: a step, then either a callback or a wait, as the input asks."""

from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import CallbackConfig, Duration


@durable_execution
def handler(event: dict[str, Any], context: DurableContext) -> dict[str, Any]:
    total = context.step(lambda _: event["amount"] * 2, name="double")
    if event.get("approval"):
        timeout = Duration.from_seconds(event.get("approval_timeout", 0))
        answer = context.create_callback(name="approval", config=CallbackConfig(timeout=timeout)).result()
        return {"total": total, "answer": answer}
    if event.get("wait"):
        context.wait(Duration.from_seconds(event["wait"]), name="pause")
    return {"total": total}
