from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution

from tests.conformance.handlers.common import batch_summary
from tests.conformance.handlers.map.shared import SEQUENTIAL


ITEM_CHARS = 70 * 1024


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    large = lambda _ctx, item, _index, _items: item * ITEM_CHARS  # noqa: E731
    batch = context.map(["a", "b", "c", "d"], large, config=SEQUENTIAL)
    return batch_summary(batch, "successCount", "totalCount")
