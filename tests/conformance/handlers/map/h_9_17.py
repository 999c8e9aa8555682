from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration

from tests.conformance.handlers.map.shared import SEQUENTIAL, upper


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    results = context.map(["a", "b"], upper, config=SEQUENTIAL).get_results()
    context.wait(Duration.from_seconds(1))
    return results
