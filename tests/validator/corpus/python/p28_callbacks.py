import json
import logging
import urllib.request

from aws_durable_execution_sdk_python import durable_execution
from aws_durable_execution_sdk_python.config import Duration
from aws_durable_execution_sdk_python.waits import WaitForConditionConfig, WaitStrategyConfig, create_wait_strategy

log = logging.getLogger(__name__)


def notify(callback_id, ctx):
    ctx.logger.info("sending")
    urllib.request.urlopen(f"https://example.com/approve?cb={callback_id}")


def check_job(state, ctx):
    with urllib.request.urlopen("https://example.com/job") as resp:
        return {"done": json.load(resp)["done"]}


@durable_execution
def handler(event, context):
    approval = context.wait_for_callback(notify, name="approval")
    config = WaitForConditionConfig(
        wait_strategy=create_wait_strategy(WaitStrategyConfig(max_attempts=5)), initial_state={"done": False}
    )
    job = context.wait_for_condition(check_job, config=config, name="job")
    cb = context.create_callback(name="manual")
    log.info("waiting for %s", cb.callback_id)  # expect: DR008
    context.wait(Duration.from_minutes(1), name="grace")
    body = urllib.request.urlopen("https://example.com/final").read()  # expect: DR003
    return {"approval": approval, "job": job, "result": cb.result(), "body": len(body)}
