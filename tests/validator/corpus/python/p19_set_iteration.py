from aws_durable_execution_sdk_python import durable_execution


@durable_execution
def handler(event, context):
    for tag in {t.lower() for t in event["tags"]}:  # expect: DR014
        context.step(lambda _: tag, name=f"tag-{tag}")
    pending = set(event["users"]) - set(event["done"])
    for u in pending:  # expect: DR014
        context.invoke("notify", {"u": u}, name=f"n-{u}")
    for u in sorted(set(event["users"])):
        context.step(lambda _: u, name=f"s-{u}")
    labels = {t.upper() for t in event["tags"]}
    return len(labels)
