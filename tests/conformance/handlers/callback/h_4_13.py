import json
from datetime import datetime
from typing import Any

from aws_durable_execution_sdk_python import CallbackError, DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import CallbackConfig, Duration
from aws_durable_execution_sdk_python.serdes import SerDes, SerDesContext

from tests.conformance.handlers.common import echo


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    try:
        message = context.create_callback(name=event).result()
    except CallbackError as error:
        message = f"callback failed: {error}"
    context.wait(Duration.from_seconds(2))
    return message
