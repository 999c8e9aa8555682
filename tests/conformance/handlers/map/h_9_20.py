from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration, MapConfig
from aws_durable_execution_sdk_python.serdes import JsonSerDes

from tests.conformance.handlers.map.shared import ResultListSerDes, upper


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    config = MapConfig(max_concurrency=1, serdes=ResultListSerDes(), item_serdes=JsonSerDes())
    results = context.map(["x", "y"], upper, config=config).get_results()
    context.wait(Duration.from_seconds(1))
    return results
