import time
from typing import Any

from aws_durable_execution_sdk_python import ChildContextError, DurableContext, StepContext, durable_execution
from aws_durable_execution_sdk_python.config import ChildConfig, Duration

from tests.conformance.handlers.common import (
    NO_RETRY, UppercaseTextSerDes, always_fail, crash_runtime, echo, fail_until, fixed_retry, replay_visible,
)


LARGE_RESULT_CHARS = 300 * 1024


@durable_execution
def handler(event: Any, context: DurableContext) -> int:
    def body(child: DurableContext) -> str:
        replay_visible(child.logger).info(f"building large result for: {event}")
        seed = child.step(echo(event), name="small_seed")
        return seed * (LARGE_RESULT_CHARS // len(seed) + 1)

    large = context.run_in_child_context(body, name="large_result")
    context.wait(Duration.from_seconds(1))
    return len(large)
