from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import CompletionConfig, Duration, ParallelConfig

from tests.conformance.handlers.common import echo

SEQUENTIAL = ParallelConfig(max_concurrency=1)


def stepping(value: Any):
    """A branch that runs one step returning ``value``."""
    return lambda ctx: ctx.step(echo(value))


def sequential(**completion: Any) -> ParallelConfig:
    return ParallelConfig(max_concurrency=1, completion_config=CompletionConfig(**completion))

ALL = ("completionReason", "status", "successCount", "failureCount", "totalCount")


def waiting_branch(ctx: DurableContext) -> str:
    ctx.wait(Duration.from_seconds(2))
    return "b1"


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    return context.parallel([stepping("b0"), waiting_branch], config=SEQUENTIAL).get_results()
