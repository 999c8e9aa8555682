from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration


@durable_execution
def handler(event: Any, context: DurableContext) -> str:
    context.wait(Duration.from_minutes(1))
    return "waited a minute"
