import time
from typing import Any

from aws_durable_execution_sdk_python import ChildContextError, DurableContext, StepContext, durable_execution
from aws_durable_execution_sdk_python.config import ChildConfig, Duration
from aws_durable_execution_sdk_python.lambda_service import OperationStatus, OperationType

from tests.conformance.handlers.common import (
    NO_RETRY, UppercaseTextSerDes, always_fail, crash_runtime, echo, fail_until, fixed_retry, replay_visible,
)


# Inputs whose first attempt already crashed; stands in for the external attempt record
# (DynamoDB in the cloud suite) because the in-process engine keeps this module loaded.
_CRASHED: set[str] = set()
_START_CONFIRMATION_TIMEOUT_S = 10.0


def _await_started_checkpoint(child: DurableContext) -> None:
    """Block until the asynchronous StepStarted checkpoint is confirmed: the crash must come after it."""
    deadline = time.monotonic() + _START_CONFIRMATION_TIMEOUT_S
    while time.monotonic() < deadline:
        if any(
            op.operation_type is OperationType.STEP and op.status is OperationStatus.STARTED
            for op in child.state.operations.values()
        ):
            return
        time.sleep(0.005)
    raise TimeoutError("StepStarted was never confirmed")


@durable_execution
def handler(event: Any, context: DurableContext) -> str:
    def body(child: DurableContext) -> str:
        def crash_once(_ctx: StepContext) -> str:
            if event not in _CRASHED:
                _CRASHED.add(event)
                _await_started_checkpoint(child)
                crash_runtime()
            return event

        return child.step(crash_once)

    return context.run_in_child_context(body, name="interrupted_child")
