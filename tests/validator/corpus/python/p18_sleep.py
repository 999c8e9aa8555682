import asyncio
import time

from aws_durable_execution_sdk_python import durable_execution
from aws_durable_execution_sdk_python.config import Duration


def backoff(_):
    for attempt in range(3):
        time.sleep(0.1 * attempt)
    return True


@durable_execution
def handler(event, context):
    time.sleep(30)  # expect: DR013
    context.step(backoff, name="backoff")
    context.wait(Duration.from_minutes(5), name="cool")
    return "ok"


async def not_durable(event, context):
    await asyncio.sleep(1)
    return event
