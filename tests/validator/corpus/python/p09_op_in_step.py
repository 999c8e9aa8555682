from aws_durable_execution_sdk_python import durable_execution


@durable_execution
def handler(event, context):
    def batch(_):
        for item in event["ids"]:
            context.invoke("worker", {"id": item}, name=f"w-{item}")  # expect: DR004
        return len(event["ids"])

    def submit(callback_id, cb_ctx):
        context.step(lambda _: print(callback_id), name="audit")  # expect: DR004

    context.step(batch, name="batch")
    context.wait_for_callback(submit, name="approval")
    return "ok"
