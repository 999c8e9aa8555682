from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration

from tests.conformance.handlers.parallel.shared import SEQUENTIAL, stepping


def waiting_branch(ctx: DurableContext) -> str:
    ctx.wait(Duration.from_seconds(2))
    return "b1"


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    return context.parallel([stepping("b0"), waiting_branch], config=SEQUENTIAL).get_results()
