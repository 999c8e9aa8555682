from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution

from tests.conformance.handlers.common import NO_RETRY, always_fail
from tests.conformance.handlers.plugin.recording import RecordingPluginFactory


@durable_execution(plugins=[RecordingPluginFactory()])
def handler(event: Any, context: DurableContext) -> str:
    return context.step(always_fail("always fails"), config=NO_RETRY)
