"""Steps, a wait and a callback; tests/runtimes/handlers/workflow.ts is the same workflow in TypeScript."""

from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import CallbackConfig, Duration


@durable_execution
def handler(event: dict[str, Any], context: DurableContext) -> dict[str, Any]:
    print(f"order of {event['amount']}")
    total = context.step(lambda _: event["amount"] * 2, name="double")
    context.wait(Duration.from_seconds(30), name="cool-down")
    approval = context.create_callback(name="approval", config=CallbackConfig(timeout=Duration.from_minutes(5)))
    context.step(lambda _: len(approval.callback_id) > 0, name="notify")
    answer = approval.result()
    return {"total": total, "answer": answer}
