import time
from typing import Any

from aws_durable_execution_sdk_python import ChildContextError, DurableContext, StepContext, durable_execution
from aws_durable_execution_sdk_python.config import ChildConfig, Duration

from tests.conformance.handlers.common import (
    NO_RETRY, UppercaseTextSerDes, always_fail, crash_runtime, echo, fail_until, fixed_retry, replay_visible,
)


@durable_execution
def handler(event: Any, context: DurableContext) -> str:
    def body(child: DurableContext) -> str:
        replay_visible(child.logger).info(f"child body ran for: {event}")
        return event

    value = context.run_in_child_context(body, name="logging_child")
    context.wait(Duration.from_seconds(1))
    return value
