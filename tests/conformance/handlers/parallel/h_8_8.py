from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution

from tests.conformance.handlers.common import batch_summary, constant
from tests.conformance.handlers.parallel.shared import sequential


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    branches = [constant(f"b{i}") for i in range(4)]
    batch = context.parallel(branches, config=sequential(min_successful=2))
    return batch_summary(batch, "completionReason", "successCount", "totalCount")
