from aws_durable_execution_sdk_python import durable_execution


def enrich(ctx, item):
    return ctx.step(lambda _: {"item": item}, name=f"enrich-{item}")


@durable_execution
def handler(event, context):
    context.map(event["items"], lambda c, item, i, all_: context.step(lambda _: item, name=f"i-{i}"), name="m")  # expect: DR005
    context.map(event["items"], lambda c, item, i, all_: enrich(c, item), name="enrich")
    context.run_in_child_context(lambda context: context.step(lambda _: 1, name="one"), name="shadow")
    return "done"
