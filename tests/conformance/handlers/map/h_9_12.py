from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import MapConfig, NestingType

from tests.conformance.handlers.common import echo


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    config = MapConfig(max_concurrency=1, nesting_type=NestingType.FLAT)
    step_item = lambda ctx, item, _index, _items: ctx.step(echo(item))  # noqa: E731
    return context.map(["fa", "fb"], step_item, config=config).get_results()
