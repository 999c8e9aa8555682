import json
from datetime import datetime
from typing import Any

from aws_durable_execution_sdk_python import CallbackError, DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import CallbackConfig, Duration
from aws_durable_execution_sdk_python.serdes import SerDes, SerDesContext

from tests.conformance.handlers.common import echo


class NumberSerDes(SerDes[int]):
    def serialize(self, value: int, serdes_context: SerDesContext) -> str:
        return json.dumps(value)

    def deserialize(self, data: str, serdes_context: SerDesContext) -> int:
        return int(json.loads(data))


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    count = context.create_callback(name=event, config=CallbackConfig(serdes=NumberSerDes())).result()
    return {"count": count, "doubled": count * 2}
