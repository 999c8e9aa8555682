from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution

from tests.conformance.handlers.common import fail_until, fixed_retry
from tests.conformance.handlers.plugin.recording import RecordingPluginFactory


@durable_execution(plugins=[RecordingPluginFactory()])
def handler(event: Any, context: DurableContext) -> str:
    return context.step(fail_until(2, "Operation succeeded"), config=fixed_retry(3))
