from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.concurrency.models import BatchItem, BatchResult, CompletionReason
from aws_durable_execution_sdk_python.config import BatchItemStatus, CompletionConfig, Duration, MapConfig
from aws_durable_execution_sdk_python.serdes import SerDes, SerDesContext

from tests.conformance.handlers.common import echo

SEQUENTIAL = MapConfig(max_concurrency=1)
ALL = ("completionReason", "status", "successCount", "failureCount", "totalCount")


def sequential(**completion: Any) -> MapConfig:
    return MapConfig(max_concurrency=1, completion_config=CompletionConfig(**completion))


def ok_or_fail(_ctx: DurableContext, item: str, _index: int, _items: Any) -> str:
    """Items named "fail" raise; the others come back unchanged."""
    if item == "fail":
        raise RuntimeError("item failed")
    return item


def upper(_ctx: DurableContext, item: str, _index: int, _items: Any) -> str:
    return item.upper()


class ResultListSerDes(SerDes[BatchResult]):
    """Whole-result serdes: a batch of successes as "OPSERDE:" + the comma-joined results."""

    PREFIX = "OPSERDE:"

    def serialize(self, value: BatchResult, serdes_context: SerDesContext) -> str:
        return self.PREFIX + ",".join(str(result) for result in value.get_results())

    def deserialize(self, data: str, serdes_context: SerDesContext) -> BatchResult:
        if not data.startswith(self.PREFIX):
            raise ValueError(f"not an OPSERDE payload: {data!r}")
        body = data[len(self.PREFIX):]
        results = body.split(",") if body else []
        items = [BatchItem(i, BatchItemStatus.SUCCEEDED, result) for i, result in enumerate(results)]
        return BatchResult(items, CompletionReason.ALL_COMPLETED)


def iteration(ctx: DurableContext, item: str, index: int, _items: Any) -> str:
    if index == 1:
        ctx.wait(Duration.from_seconds(1))
    return ctx.step(echo(item))


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    return context.map(["r0", "r1"], iteration, config=SEQUENTIAL).get_results()
