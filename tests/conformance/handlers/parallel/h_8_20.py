from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution

from tests.conformance.handlers.common import constant, failing_branch
from tests.conformance.handlers.parallel.shared import sequential


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    batch = context.parallel(
        [constant("a"), failing_branch(), constant("c")], config=sequential(tolerated_failure_count=1)
    )
    return {
        "hasFailure": batch.has_failure,
        "successCount": len(batch.succeeded()),
        "failureCount": len(batch.failed()),
        "errorCount": len(batch.get_errors()),
    }
