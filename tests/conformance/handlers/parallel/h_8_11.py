from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import ParallelConfig

from tests.conformance.handlers.common import constant


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    branches = [constant("r0"), constant("r1"), constant("r2")]
    return context.parallel(branches, config=ParallelConfig(max_concurrency=2)).get_results()
