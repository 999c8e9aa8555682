import uuid

from aws_durable_execution_sdk_python import durable_execution


def new_id() -> str:
    return str(uuid.uuid4())


def make_key(prefix: str) -> str:
    return f"{prefix}-{new_id()}"


def label(order: dict) -> str:
    return order["name"].upper()


@durable_execution
def handler(event, context):
    key = make_key("order")  # expect: DR002
    name = label(event)
    safe_key = context.step(lambda _: make_key("order"), name="make-key")
    return {"key": key, "name": name, "safe": safe_key}
