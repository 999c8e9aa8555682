from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution

from tests.conformance.handlers.common import batch_summary, constant, failing_branch
from tests.conformance.handlers.parallel.shared import ALL, sequential


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    branches = [constant("a"), failing_branch(), constant("c")]
    return batch_summary(context.parallel(branches, config=sequential(tolerated_failure_count=1)), *ALL)
