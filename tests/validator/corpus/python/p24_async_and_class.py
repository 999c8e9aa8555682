import logging
from dataclasses import dataclass, field
from datetime import datetime

from aws_durable_execution_sdk_python import durable_execution


@dataclass
class Order:
    created: datetime = field(default_factory=datetime.now)
    items: list[str] = field(default_factory=list)


class Service:
    def __init__(self) -> None:
        self.log = logging.getLogger("svc")

    def run(self) -> float:
        return datetime.now().timestamp()


@durable_execution
def handler(event, context):
    order = context.step(lambda _: Order().items, name="order")
    ids = sorted(event["ids"], key=lambda i: -i)
    return {"order": order, "ids": ids}
