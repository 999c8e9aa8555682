from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution

from tests.conformance.handlers.map.shared import SEQUENTIAL, upper


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    return context.map(event, upper, config=SEQUENTIAL).get_results()
