from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import MapConfig
from aws_durable_execution_sdk_python.serdes import SerDes, SerDesContext

from tests.conformance.handlers.map.shared import upper


class WrappedTextSerDes(SerDes[str]):
    def serialize(self, value: str, serdes_context: SerDesContext) -> str:
        return f"wrapped:{value}"

    def deserialize(self, data: str, serdes_context: SerDesContext) -> str:
        if not data.startswith("wrapped:"):
            raise ValueError(f"not a wrapped payload: {data!r}")
        return data[len("wrapped:"):]


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    config = MapConfig(max_concurrency=1, item_serdes=WrappedTextSerDes())
    return context.map(["x", "y"], upper, config=config).get_results()
