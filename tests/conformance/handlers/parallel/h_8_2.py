from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution

from tests.conformance.handlers.common import constant
from tests.conformance.handlers.parallel.shared import SEQUENTIAL


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    return context.parallel([constant("alpha"), constant("beta")], config=SEQUENTIAL).get_results()
