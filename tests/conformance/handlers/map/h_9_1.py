from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution

from tests.conformance.handlers.common import greet
from tests.conformance.handlers.map.shared import SEQUENTIAL


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    greet_item = lambda ctx, item, _index, _items: ctx.step(greet(item))  # noqa: E731
    return context.map(event, greet_item, name="map", config=SEQUENTIAL).get_results()
