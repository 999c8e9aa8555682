import random
import uuid

from aws_durable_execution_sdk_python import durable_execution

NAMESPACE = uuid.UUID("6ba7b810-9dad-11d1-80b4-00c04fd430c8")


def is_valid_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@durable_execution
def handler(event, context):
    rng = random.Random(event["seed"])
    items = list(event["items"])
    rng.shuffle(items)
    stable = uuid.uuid5(NAMESPACE, event["email"])
    if not is_valid_uuid(event["id"]):
        return {"error": "bad id"}
    fresh = context.step(lambda _: str(uuid.uuid4()), name="new-id")
    return {"items": items, "stable": str(stable), "fresh": fresh}
