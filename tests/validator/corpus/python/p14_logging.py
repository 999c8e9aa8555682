import logging

from aws_durable_execution_sdk_python import durable_execution

logger = logging.getLogger(__name__)


@durable_execution
def handler(event, context):
    print("received", event["id"])  # expect: DR008
    logging.info("start %s", event["id"])  # expect: DR008
    logger.warning("slow path")  # expect: DR008
    context.logger.info("replay-safe")
    context.step(lambda _: print("inside step"), name="p")
    return "ok"
