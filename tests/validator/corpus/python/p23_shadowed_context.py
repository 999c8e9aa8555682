import time

from aws_durable_execution_sdk_python import durable_execution


def plain_lambda_handler(event, context):
    started = time.time()
    context.step = None
    print("non-durable", started)
    return {"ok": True}


@durable_execution
def handler(event, context):
    def inner(context):
        return context.step(lambda _: 1, name="inner")

    return context.run_in_child_context(inner, name="child")
