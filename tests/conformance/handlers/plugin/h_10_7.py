from typing import Any

from aws_durable_execution_sdk_python import DurableContext, StepContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration

from tests.conformance.handlers.common import NO_RETRY, always_fail, fail_until, fixed_retry
from tests.conformance.handlers.plugin.recording import RecordingPluginFactory


def greeting(name: Any):
    def body(ctx: StepContext) -> str:
        ctx.logger.info(f"Greeting step running for: {name}")
        return f"Hello, {name}!"

    return body


@durable_execution(plugins=[RecordingPluginFactory()])
def handler(event: Any, context: DurableContext) -> str:
    return context.step(always_fail("always fails"), config=NO_RETRY)
