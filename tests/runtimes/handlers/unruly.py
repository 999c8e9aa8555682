"""Handlers that misbehave at the process level, chosen by the input."""

import os
import time
from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution


@durable_execution
def handler(event: dict[str, Any], context: DurableContext) -> str:
    context.step(lambda _: "before", name="before")
    if event["mode"] == "crash":
        os._exit(3)
    if event["mode"] == "hang":
        time.sleep(60)
    return "calm"
