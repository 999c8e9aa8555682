from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import NestingType, ParallelConfig

from tests.conformance.handlers.parallel.shared import stepping


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    config = ParallelConfig(max_concurrency=1, nesting_type=NestingType.FLAT)
    return context.parallel([stepping("fa"), stepping("fb")], config=config).get_results()
