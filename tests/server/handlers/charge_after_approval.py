"""Waits for approval, then charges a card: the charge must be stubbed in a dry-run."""

from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution


def charge(_: Any) -> dict[str, str]:
    raise RuntimeError("a real card was charged")


@durable_execution
def handler(event: Any, context: DurableContext) -> dict[str, Any]:
    decision = context.wait_for_callback(lambda callback_id, _ctx: None, name="approval")
    receipt = context.step(charge, name="charge-card")
    return {"decision": decision, "receipt": receipt}
