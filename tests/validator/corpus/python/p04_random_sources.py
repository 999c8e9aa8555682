import random
import secrets
import uuid

from aws_durable_execution_sdk_python import durable_execution


@durable_execution
def handler(event, context):
    token = secrets.token_hex(16)  # expect: DR002
    order_id = str(uuid.uuid4())  # expect: DR002
    pick = random.choice(event["items"])  # expect: DR002
    rng = random.Random()  # expect: DR002
    context.step(lambda _: {"token": token, "id": order_id, "pick": pick, "r": rng.random()}, name="save")
    return order_id
