import time
from typing import Any

from aws_durable_execution_sdk_python import ChildContextError, DurableContext, StepContext, durable_execution
from aws_durable_execution_sdk_python.config import ChildConfig, Duration

from tests.conformance.handlers.common import (
    NO_RETRY, UppercaseTextSerDes, always_fail, crash_runtime, echo, fail_until, fixed_retry, replay_visible,
)


@durable_execution
def handler(event: Any, context: DurableContext) -> str:
    try:
        context.run_in_child_context(lambda child: child.step(always_fail("inner step failed"), config=NO_RETRY))
    except ChildContextError:
        pass
    return context.step(echo(event), name="recovery")
