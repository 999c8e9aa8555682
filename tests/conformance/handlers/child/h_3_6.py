import time
from typing import Any

from aws_durable_execution_sdk_python import ChildContextError, DurableContext, StepContext, durable_execution
from aws_durable_execution_sdk_python.config import ChildConfig, Duration

from tests.conformance.handlers.common import (
    NO_RETRY, UppercaseTextSerDes, always_fail, crash_runtime, echo, fail_until, fixed_retry, replay_visible,
)


@durable_execution
def handler(event: Any, context: DurableContext) -> str:
    def inner(child: DurableContext) -> str:
        return child.step(echo(event), name="inner_step")

    def outer(child: DurableContext) -> str:
        child.step(echo(event), name="outer_step")
        return child.run_in_child_context(inner, name="inner")

    return context.run_in_child_context(outer, name="outer")
