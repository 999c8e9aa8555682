from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration

from tests.conformance.handlers.plugin.recording import RecordingPluginFactory


@durable_execution(plugins=[RecordingPluginFactory()])
def handler(event: Any, context: DurableContext) -> None:
    context.wait(Duration.from_seconds(2))
