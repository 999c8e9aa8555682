from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution

from tests.conformance.handlers.parallel.shared import SEQUENTIAL, stepping


def outer_branch(ctx: DurableContext) -> Any:
    return ctx.parallel([stepping("i1"), stepping("i2")], name="inner", config=SEQUENTIAL).get_results()


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    return context.parallel([outer_branch], name="outer", config=SEQUENTIAL).get_results()
