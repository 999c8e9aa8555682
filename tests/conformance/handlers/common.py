"""Building blocks shared by the conformance handlers."""

from __future__ import annotations

import json
from typing import Any

from aws_durable_execution_sdk_python import DurableContext, StepContext, durable_execution, durable_step
from aws_durable_execution_sdk_python.config import Duration, JitterStrategy, StepConfig
from aws_durable_execution_sdk_python.retries import (
    RetryPresets,
    RetryStrategyConfig,
    create_retry_strategy,
)
from aws_durable_execution_sdk_python.serdes import SerDes, SerDesContext

NO_RETRY = StepConfig(retry_strategy=RetryPresets.none())


class TransientError(Exception):
    """An error the retry strategies below treat as worth retrying."""


def fixed_retry(max_attempts: int, delay_seconds: int = 1, backoff: float = 1.0) -> StepConfig:
    """Deterministic retries: no jitter, so the history shows the exact delays."""
    return StepConfig(
        retry_strategy=create_retry_strategy(
            RetryStrategyConfig(
                max_attempts=max_attempts,
                initial_delay=Duration.from_seconds(delay_seconds),
                backoff_rate=backoff,
                jitter_strategy=JitterStrategy.NONE,
            )
        )
    )


@durable_step
def greet(_ctx: StepContext, name: Any) -> str:
    return f"Hello, {name}!"


@durable_step
def echo(_ctx: StepContext, value: Any) -> Any:
    return value


def fail_until(attempt_that_succeeds: int, result: Any, message: str = "transient failure"):
    """A step body that raises on every attempt before ``attempt_that_succeeds``."""

    def body(ctx: StepContext) -> Any:
        if ctx.attempt < attempt_that_succeeds:
            raise TransientError(f"{message} (attempt {ctx.attempt})")
        return result

    return body


def always_fail(message: str = "step failed"):
    def body(_ctx: StepContext) -> Any:
        raise RuntimeError(message)

    return body


def _upper(value: Any) -> Any:
    if isinstance(value, str):
        return value.upper()
    if isinstance(value, list):
        return [_upper(v) for v in value]
    if isinstance(value, dict):
        return {k: _upper(v) for k, v in value.items()}
    return value


class UppercaseSerDes(SerDes[Any]):
    """JSON, with every string upper-cased on the way into the checkpoint."""

    def serialize(self, value: Any, serdes_context: SerDesContext) -> str:
        return json.dumps(_upper(value))

    def deserialize(self, data: str, serdes_context: SerDesContext) -> Any:
        return json.loads(data)


def crash_runtime() -> None:
    """Stand-in for a Lambda runtime crash (process.exit in the JS handlers).

    ``SystemExit`` is not an ``Exception``, so the SDK does not record it as a step failure: it
    escapes the invocation, which an engine must treat like the runtime exiting mid-invocation.
    """
    raise SystemExit(1)


class UppercaseTextSerDes(SerDes[str]):
    """Plain text (no JSON quoting), upper-cased on the way into the checkpoint."""

    def serialize(self, value: str, serdes_context: SerDesContext) -> str:
        return str(value).upper()

    def deserialize(self, data: str, serdes_context: SerDesContext) -> str:
        return data


def replay_visible(logger: Any) -> Any:
    """The context logger with replay suppression turned off, so re-executed code shows in the logs."""
    return logger.with_is_replaying(lambda: False)


@durable_execution
def echo_target(event: Any, context: DurableContext) -> Any:
    """Chained-invoke target that returns its input."""
    return event


@durable_execution
def failing_target(event: Any, context: DurableContext) -> Any:
    """Chained-invoke target that always fails."""
    raise RuntimeError("target function failed")


def batch_summary(batch: Any, *fields: str) -> dict[str, Any]:
    """Project a map/parallel BatchResult onto the camelCase fields the requirements compare."""
    values = {
        "completionReason": batch.completion_reason.value,
        "status": batch.status.value,
        "successCount": batch.success_count,
        "failureCount": batch.failure_count,
        "totalCount": batch.total_count,
    }
    return {name: values[name] for name in fields}


def constant(value: Any):
    """A branch that returns ``value`` directly, without any durable operation."""
    return lambda _ctx: value


def failing_branch(message: str = "branch failed"):
    def branch(_ctx: Any) -> Any:
        raise RuntimeError(message)

    return branch
