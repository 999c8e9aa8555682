from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import CompletionConfig, ParallelConfig

from tests.conformance.handlers.common import echo

SEQUENTIAL = ParallelConfig(max_concurrency=1)


def stepping(value: Any):
    """A branch that runs one step returning ``value``."""
    return lambda ctx: ctx.step(echo(value))


def sequential(**completion: Any) -> ParallelConfig:
    return ParallelConfig(max_concurrency=1, completion_config=CompletionConfig(**completion))

ALL = ("completionReason", "status", "successCount", "failureCount", "totalCount")


def outer_branch(ctx: DurableContext) -> Any:
    return ctx.parallel([stepping("i1"), stepping("i2")], name="inner", config=SEQUENTIAL).get_results()


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    return context.parallel([outer_branch], name="outer", config=SEQUENTIAL).get_results()
