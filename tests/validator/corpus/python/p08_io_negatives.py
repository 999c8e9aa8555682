import boto3
import httpx

from aws_durable_execution_sdk_python import durable_execution

_client = None


def get_client():
    global _client
    if _client is None:
        _client = boto3.client("dynamodb")
    return _client


def quote(sym: str) -> dict:
    return httpx.get(f"https://example.com/q/{sym}").json()


@durable_execution
def handler(event, context):
    table = boto3.resource("dynamodb").Table("orders")
    price = context.step(lambda _: quote("AMZN"), name="quote")
    context.step(lambda _: table.put_item(Item={"id": event["id"], "price": price}), name="save")
    context.step(lambda _: get_client().describe_table(TableName="orders"), name="describe")
    return price
