import time

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration


class OrderWorkflow:
    def __init__(self, ctx: DurableContext, order_id: str) -> None:
        self.ctx = ctx
        self.order_id = order_id

    def run(self) -> float:
        started = time.time()  # expect: DR001
        self.ctx.step(lambda _: self.order_id, name="load")
        self.ctx.step(lambda _: self.ctx.wait(Duration.from_seconds(1), name="x"), name="inner")  # expect: DR004
        self.ctx.wait(Duration.from_seconds(5))  # expect: DR009
        return started


class Clock:
    def now(self) -> float:
        return time.time()


@durable_execution
def handler(event, context):
    return OrderWorkflow(context, event["id"]).run()
