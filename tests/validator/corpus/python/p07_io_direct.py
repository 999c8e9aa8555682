import json

import boto3
import requests

from aws_durable_execution_sdk_python import durable_execution

s3 = boto3.client("s3")


@durable_execution
def handler(event, context):
    with open("state.json") as f:  # expect: DR003
        state = json.load(f)
    quote = requests.get("https://example.com/quote", timeout=5).json()  # expect: DR003
    body = s3.get_object(Bucket="b", Key=event["key"])  # expect: DR003
    context.step(lambda _: s3.put_object(Bucket="b", Key="k", Body=b"x"), name="put")
    return {"state": state, "quote": quote, "len": body["ContentLength"]}
