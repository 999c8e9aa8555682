from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution

from tests.conformance.handlers.common import constant, failing_branch
from tests.conformance.handlers.parallel.shared import sequential


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    batch = context.parallel([failing_branch(), constant("never")], config=sequential(tolerated_failure_count=0))
    batch.throw_if_error()
    return batch.get_results()
