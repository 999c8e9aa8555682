from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration
from aws_durable_execution_sdk_python.serdes import SerDes, SerDesContext
from aws_durable_execution_sdk_python.waits import WaitForConditionConfig, WaitForConditionDecision


class TaggedTextSerDes(SerDes[str]):
    """Stores the state as "len:<n>:<text>" and checks the tag when reading it back."""

    def serialize(self, value: str, serdes_context: SerDesContext) -> str:
        return f"len:{len(value)}:{value}"

    def deserialize(self, data: str, serdes_context: SerDesContext) -> str:
        _tag, length, text = data.split(":", 2)
        if int(length) != len(text):
            raise ValueError(f"corrupt state {data!r}")
        return text


def until_two_chars(state: str, _attempts_made: int) -> WaitForConditionDecision:
    if len(state) >= 2:
        return WaitForConditionDecision.stop_polling()
    return WaitForConditionDecision.continue_waiting(Duration.from_seconds(1))


@durable_execution
def handler(event: Any, context: DurableContext) -> str:
    config = WaitForConditionConfig(until_two_chars, initial_state="", serdes=TaggedTextSerDes())
    return context.wait_for_condition(lambda state, _ctx: state + "x", config)
