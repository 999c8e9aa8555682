import random
from datetime import date

import aws_durable_execution_sdk_python as sdk
from aws_durable_execution_sdk_python.config import Duration


def process_item(ctx, item, index, items):
    return ctx.step(lambda _: item * 2, name=f"double-{index}")


def bad_item(ctx, item, index, items):
    today = date.today()  # expect: DR001
    return ctx.step(lambda _: (item, str(today)), name=f"bad-{index}")


@sdk.durable_execution(boto3_client=None)
def handler(event, context: sdk.DurableContext):
    doubled = context.map(event["items"], process_item, name="double")
    context.map(event["items"], bad_item, name="bad")
    results = context.parallel(
        [lambda c: c.step(lambda _: 1, name="a"), lambda c: c.wait(Duration.from_seconds(1), name="b")],
        name="branches",
    )
    sample = random.sample(event["items"], 2)  # expect: DR002
    return {"doubled": doubled, "results": results, "sample": sample}
