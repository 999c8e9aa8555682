from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import MapConfig

from tests.conformance.handlers.map.shared import ok_or_fail


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    return context.map(["r0", "r1", "r2"], ok_or_fail, config=MapConfig(max_concurrency=2)).get_results()
