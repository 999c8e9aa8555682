from typing import Any

from aws_durable_execution_sdk_python import DurableContext, ParallelBranch, durable_execution

from tests.conformance.handlers.common import constant
from tests.conformance.handlers.parallel.shared import SEQUENTIAL


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    branches = [ParallelBranch(func=constant("one"), name="first"), ParallelBranch(func=constant("two"), name="second")]
    return context.parallel(branches, name="named-branches", config=SEQUENTIAL).get_results()
