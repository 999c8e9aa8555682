from typing import Any

from aws_durable_execution_sdk_python import DurableContext, InvokeError, durable_execution
from aws_durable_execution_sdk_python.config import Duration, InvokeConfig
from aws_durable_execution_sdk_python.serdes import SerDes, SerDesContext

from tests.conformance.handlers.common import UppercaseSerDes, echo, echo_target, failing_target

FUNCTIONS = {"echo-target": echo_target, "failing-target": failing_target}


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    try:
        return context.invoke("failing-target", event)
    except InvokeError:
        return "fallback"
