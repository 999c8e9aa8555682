from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import MapConfig


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    config = MapConfig(max_concurrency=1, item_namer=lambda item, index: f"item-{item}-{index}")
    return context.map(event, lambda _ctx, item, _index, _items: item * 10, config=config).get_results()
