from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution

from tests.conformance.handlers.plugin.recording import RecordingPluginFactory
from tests.conformance.handlers.plugin.shared import greeting


@durable_execution(plugins=[RecordingPluginFactory()])
def handler(event: Any, context: DurableContext) -> str:
    return context.step(greeting(event))
