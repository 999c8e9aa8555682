"""A durable handler for the sweep: a step over the event, a callback wait, then a durable wait.

Generated events rarely have the expected shape, so many runs fail inside the handler; that is a
result the tools must report, not a crash.
"""

from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration, WaitForCallbackConfig


@durable_execution
def handler(event: Any, context: DurableContext) -> dict[str, Any]:
    total = context.step(lambda _: sum(item["price"] for item in event["items"]), name="price")
    decision = context.wait_for_callback(
        lambda _callback_id, _ctx: None, name="approval", config=WaitForCallbackConfig(timeout=Duration.from_hours(1))
    )
    context.wait(Duration.from_seconds(30), name="cool-off")
    return {"total": total, "decision": decision}
