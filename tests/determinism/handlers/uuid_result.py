"""Non-deterministic: the result carries a UUID generated outside any step."""

import uuid
from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution


@durable_execution
def handler(event: dict[str, Any], context: DurableContext) -> dict[str, Any]:
    total = context.step(lambda _: event["amount"] * 2, name="double")
    return {"total": total, "receipt": str(uuid.uuid4())}
