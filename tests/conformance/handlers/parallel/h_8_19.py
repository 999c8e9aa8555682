from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import ParallelConfig

from tests.conformance.handlers.common import constant


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    return context.parallel([constant("a"), constant("b")], config=ParallelConfig(max_concurrency=0)).get_results()
