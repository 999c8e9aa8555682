"""Shell commands a generated project documents: install, test, deploy, invoke (by qualified ARN)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from durable_mcp.scaffold.names import ProjectNames
from durable_mcp.scaffold.patterns import Pattern

ALIAS = "live"


class Commands(BaseModel):
    model_config = ConfigDict(frozen=True)

    install: list[str]
    test: list[str]
    deploy: list[str]
    invoke: list[str]
    callback: list[str]

    def next_steps(self) -> list[str]:
        return [*self.install, *self.test, *self.deploy, *self.invoke]


def _package(language: str) -> list[str]:
    source = "src" if language == "python" else "dist"
    zip_cmd = [f"(cd {source} && zip -qr ../function.zip .)"]
    if language != "python":
        zip_cmd.insert(0, "npm run build")
    return zip_cmd


def build_commands(language: str, iac: str, names: ProjectNames, pattern: Pattern) -> Commands:
    python = language == "python"
    if python:
        install = ["python3.13 -m venv .venv", ". .venv/bin/activate", "pip install -e '.[test]'"]
        test = ["pytest"]
    else:
        install = ["npm install"]
        test = ["npm test", *(["npm run typecheck"] if language == "typescript" else []), "npm run lint"]
    stack = names.stack
    if iac == "cdk":
        prefix = ["pip install -e '.[deploy]'"] if python else ["npm run build"]
        cli = "npx aws-cdk@2" if python else "npx cdk"
        deploy = [*prefix, f"{cli} bootstrap", f"{cli} deploy {stack}"]
    elif iac == "sam":
        deploy = [
            "sam build",
            f"sam deploy --stack-name {stack} --resolve-s3 --capabilities CAPABILITY_IAM",
        ]
    else:
        key = f"{names.kebab}/function.zip"
        deploy = [
            *_package(language),
            f'aws s3 cp function.zip "s3://$CODE_BUCKET/{key}"',
            f"aws cloudformation deploy --template-file template.yaml --stack-name {stack} "
            f'--capabilities CAPABILITY_IAM --parameter-overrides CodeBucket="$CODE_BUCKET" CodeKey={key}',
        ]
    invoke = [
        f"FUNCTION_ARN=$(aws cloudformation describe-stacks --stack-name {stack} "
        "--query \"Stacks[0].Outputs[?OutputKey=='AliasArn'].OutputValue\" --output text)",
        'aws lambda invoke --function-name "$FUNCTION_ARN" --invocation-type Event '
        "--durable-execution-name first-run --cli-binary-format raw-in-base64-out "
        f"--payload '{pattern.example_input}' response.json",
    ]
    callback = []
    if pattern.answers_callbacks:
        callback = [
            "aws lambda send-durable-execution-callback-success --callback-id \"$CALLBACK_ID\" "
            "--cli-binary-format raw-in-base64-out --result '{\"approved\": true}'",
            "aws lambda send-durable-execution-callback-success --callback-id \"$CALLBACK_ID\" "
            "--cli-binary-format raw-in-base64-out --result '{\"approved\": false, \"reason\": \"over budget\"}'",
            'aws lambda send-durable-execution-callback-heartbeat --callback-id "$CALLBACK_ID"',
        ]
    return Commands(install=install, test=test, deploy=deploy, invoke=invoke, callback=callback)
