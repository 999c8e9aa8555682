"""Deterministic: every clock, random and UUID read happens inside a step."""

import random
import time
import uuid
from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration


@durable_execution
def handler(event: dict[str, Any], context: DurableContext) -> dict[str, Any]:
    order_id = context.step(lambda _: str(uuid.uuid4()), name="new-order-id")
    started = context.step(lambda _: time.time(), name="started-at")
    context.wait(Duration.from_seconds(10), name="settle")
    lucky = context.step(lambda _: random.random() < 2, name="draw")
    approval = context.create_callback(name="approval")
    answer = approval.result()
    return {"order": order_id, "started": started > 0, "lucky": lucky, "answer": answer}
