import logging

from aws_durable_execution_sdk_python import durable_execution
from aws_durable_execution_sdk_python.config import Duration

log = logging.getLogger()


@durable_execution
def handler(event, context):
    try:
        context.wait(Duration.from_hours(1), name="hold")
    except BaseException:  # expect: DR012
        context.logger.exception("x")
    try:
        r = context.invoke("fn", {"a": 1}, name="call")
    except:  # expect: DR012
        r = None
    try:
        context.wait(Duration.from_minutes(1), name="short")
    except Exception as exc:
        context.logger.info(str(exc))
    try:
        context.step(lambda _: 1, name="s")
    except BaseException:
        context.logger.info("cleanup")
        raise
    return r
