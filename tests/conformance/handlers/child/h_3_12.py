import time
from typing import Any

from aws_durable_execution_sdk_python import ChildContextError, DurableContext, StepContext, durable_execution
from aws_durable_execution_sdk_python.config import ChildConfig, Duration

from tests.conformance.handlers.common import (
    NO_RETRY, UppercaseTextSerDes, always_fail, crash_runtime, echo, fail_until, fixed_retry, replay_visible,
)


# Inputs whose first attempt already crashed; stands in for the external attempt record
# (DynamoDB in the cloud suite) because the in-process engine keeps this module loaded.
_CRASHED: set[str] = set()


@durable_execution
def handler(event: Any, context: DurableContext) -> str:
    def crash_once(_ctx: StepContext) -> str:
        if event not in _CRASHED:
            _CRASHED.add(event)
            time.sleep(0.2)  # let the asynchronous StepStarted checkpoint go out first
            crash_runtime()
        return event

    return context.run_in_child_context(lambda child: child.step(crash_once), name="interrupted_child")
