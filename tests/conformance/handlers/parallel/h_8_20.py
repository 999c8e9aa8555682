import json
from typing import Any

from aws_durable_execution_sdk_python import DurableContext, ParallelBranch, durable_execution
from aws_durable_execution_sdk_python.config import CompletionConfig, Duration, NestingType, ParallelConfig
from aws_durable_execution_sdk_python.serdes import SerDes, SerDesContext

from tests.conformance.handlers.common import batch_summary, constant, echo, failing_branch

SEQUENTIAL = ParallelConfig(max_concurrency=1)


def stepping(value: Any):
    """A branch that runs one step returning ``value``."""
    return lambda ctx: ctx.step(echo(value))


def sequential(**completion: Any) -> ParallelConfig:
    return ParallelConfig(max_concurrency=1, completion_config=CompletionConfig(**completion))

ALL = ("completionReason", "status", "successCount", "failureCount", "totalCount")


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    batch = context.parallel(
        [constant("a"), failing_branch(), constant("c")], config=sequential(tolerated_failure_count=1)
    )
    return {
        "hasFailure": batch.has_failure,
        "successCount": len(batch.succeeded()),
        "failureCount": len(batch.failed()),
        "errorCount": len(batch.get_errors()),
    }
