"""A handler that waits for a human decision, used by the server tests."""

from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration, WaitForCallbackConfig


@durable_execution
def handler(event: Any, context: DurableContext) -> dict[str, Any]:
    order = context.step(lambda _: {"id": event["order"], "total": 42}, name="load-order")
    context.logger.info("order loaded")
    decision = context.wait_for_callback(
        lambda callback_id, _ctx: None,
        name="approval",
        config=WaitForCallbackConfig(timeout=Duration.from_hours(1)),
    )
    context.wait(Duration.from_seconds(5), name="cool-off")
    return {"order": order["id"], "decision": decision}
