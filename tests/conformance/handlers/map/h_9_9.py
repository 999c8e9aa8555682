from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution

from tests.conformance.handlers.common import batch_summary
from tests.conformance.handlers.map.shared import ok_or_fail, sequential


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    batch = context.map(["fail", "fail", "c"], ok_or_fail, config=sequential(tolerated_failure_count=1))
    return batch_summary(batch, "completionReason", "successCount", "failureCount", "totalCount")
