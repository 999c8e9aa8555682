from aws_durable_execution_sdk_python import durable_execution


@durable_execution
def handler(event, context):
    seen = False
    count = 0

    def mark(_):
        nonlocal seen
        seen = True  # expect: DR006
        return seen

    def local_only(_):
        count = 5
        return count

    context.step(mark, name="mark")
    context.step(local_only, name="local")
    return {"seen": seen, "count": count}
