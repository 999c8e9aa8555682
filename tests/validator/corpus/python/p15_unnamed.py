from aws_durable_execution_sdk_python import durable_execution, durable_step, durable_with_child_context
from aws_durable_execution_sdk_python.config import Duration


@durable_step
def send_email(step_context, addr):
    return addr


@durable_with_child_context
def process(child, order):
    return child.step(lambda _: order, name="process-one")


@durable_execution
def handler(event, context):
    context.step(send_email(event["addr"]))
    context.run_in_child_context(process(event["order"]))
    context.run_in_child_context(lambda c: c.step(lambda _: 1, name="one"))  # expect: DR009
    context.wait(Duration.from_seconds(5))  # expect: DR009
    context.invoke("billing", {"id": 1})  # expect: DR009
    cb = context.create_callback()  # expect: DR009
    return cb.callback_id
