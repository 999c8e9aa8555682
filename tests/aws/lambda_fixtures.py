"""A tiny function with a version and an alias, created in moto."""

from __future__ import annotations

import io
import json
import zipfile

import boto3

TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


def zipped_handler() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return {'ok': True}\n")
    return buffer.getvalue()


def create_function(name: str = "orders") -> str:
    iam = boto3.client("iam")
    try:
        role = iam.get_role(RoleName="durable-role")["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        role = iam.create_role(RoleName="durable-role", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    lam = boto3.client("lambda")
    lam.create_function(
        FunctionName=name, Runtime="python3.13", Role=role, Handler="index.handler", Code={"ZipFile": zipped_handler()}
    )
    version = lam.publish_version(FunctionName=name)["Version"]
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion=version)
    return version
