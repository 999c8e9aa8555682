from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution

from tests.conformance.handlers.map.shared import SEQUENTIAL


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    return context.map(event, lambda _ctx, item, _index, _items: item * 2, config=SEQUENTIAL).get_results()
