from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution

from tests.conformance.handlers.map.shared import ok_or_fail, sequential


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    batch = context.map(["fail", "never"], ok_or_fail, config=sequential(tolerated_failure_count=0))
    batch.throw_if_error()
    return batch.get_results()
