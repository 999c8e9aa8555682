from aws_durable_execution_sdk_python import durable_execution


def compute(event):
    return sum(event["values"])


def do_work(ctx, x):
    return ctx.step(lambda _: x * 2, name="double")


@durable_execution
def handler(event, context):
    total = context.run_in_child_context(lambda c: compute(event), name="compute")  # expect: DR018
    doubled = context.run_in_child_context(lambda c: do_work(c, total), name="w")
    return doubled
