from typing import Any

from aws_durable_execution_sdk_python import CallbackError, DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration, WaitForCallbackConfig
from aws_durable_execution_sdk_python.serdes import JsonSerDes
from aws_durable_execution_sdk_python.types import WaitForCallbackContext

from tests.conformance.handlers.common import echo, fixed_retry


def notify(callback_id: str, ctx: WaitForCallbackContext) -> None:
    """The submitter: hands the callback id to the outside world (here: the log)."""
    ctx.logger.info(f"submitted callback {callback_id}")


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    return context.wait_for_callback(notify, name=event)
