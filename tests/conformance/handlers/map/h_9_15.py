from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration

from tests.conformance.handlers.common import echo
from tests.conformance.handlers.map.shared import SEQUENTIAL


def iteration(ctx: DurableContext, item: str, index: int, _items: Any) -> str:
    if index == 1:
        ctx.wait(Duration.from_seconds(1))
    return ctx.step(echo(item))


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    return context.map(["r0", "r1"], iteration, config=SEQUENTIAL).get_results()
