import time
from datetime import datetime, timezone

from aws_durable_execution_sdk_python import DurableContext, durable_execution


@durable_execution
def handler(event: dict, context: DurableContext) -> dict:
    started = time.time()  # expect: DR001
    today = datetime.now(timezone.utc).date()  # expect: DR001
    result = context.step(lambda _: {"ok": True, "day": str(today)}, name="work")
    return {"result": result, "started": started}
