import json
from datetime import datetime
from typing import Any

from aws_durable_execution_sdk_python import CallbackError, DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import CallbackConfig, Duration
from aws_durable_execution_sdk_python.serdes import SerDes, SerDesContext

from tests.conformance.handlers.common import echo


class TypedEventSerDes(SerDes[dict]):
    """Reads the callback JSON and turns its ISO timestamp into epoch seconds."""

    def serialize(self, value: dict, serdes_context: SerDesContext) -> str:
        return json.dumps(value)

    def deserialize(self, data: str, serdes_context: SerDesContext) -> dict:
        raw = json.loads(data)
        stamp = datetime.fromisoformat(raw["timestamp"].replace("Z", "+00:00"))
        return {"id": raw["id"], "message": raw["message"], "timestamp": int(stamp.timestamp())}


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    received = context.create_callback(name=event, config=CallbackConfig(serdes=TypedEventSerDes())).result()
    return {"received": received}
