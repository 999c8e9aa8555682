import time
from datetime import datetime

from aws_durable_execution_sdk_python import DurableContext, StepContext, durable_execution, durable_step


@durable_step
def stamp(step_context: StepContext) -> str:
    return datetime.now().isoformat()


def read_clock(_: StepContext) -> float:
    return time.time()


@durable_execution
def handler(event: dict, context: DurableContext) -> dict:
    at = context.step(stamp())
    now = context.step(read_clock, name="read-clock")
    later = context.step(lambda _: time.monotonic(), name="mono")
    return {"at": at, "now": now, "later": later}
