from aws_durable_execution_sdk_python import DurableContext, durable_execution


@durable_execution
def handler(event: dict, context: DurableContext) -> dict:
    charged = context.step(lambda _: f"charged {event.get('amount', 0)}", name="charge")
    return {"result": charged}
