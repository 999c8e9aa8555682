from time import monotonic as tick

from aws_durable_execution_sdk_python import durable_execution
from aws_durable_execution_sdk_python.config import Duration


@durable_execution
def handler(event, context):
    t0 = tick()  # expect: DR001
    context.wait(Duration.from_seconds(10), name="settle")
    elapsed = tick() - t0  # expect: DR001
    return {"elapsed": elapsed}
