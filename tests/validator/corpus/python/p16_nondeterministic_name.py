import time
import uuid

from aws_durable_execution_sdk_python import durable_execution
from aws_durable_execution_sdk_python.config import Duration


@durable_execution
def handler(event, context):
    context.wait(Duration.from_seconds(5), name=f"w-{time.monotonic_ns()}")  # expect: DR010
    run = str(uuid.uuid4())  # expect: DR002
    context.step(lambda _: 1, name=f"run-{run}")  # expect: DR010
    context.step(lambda _: 2, name=f"user-{event['user_id']}")
    ids = context.step(lambda _: event["ids"], name="ids")
    for i, item in enumerate(ids):
        context.step(lambda _: item, name=f"item-{i}")
    return "ok"
