"""The step body shared by the plugin conformance handlers."""

from typing import Any

from aws_durable_execution_sdk_python import StepContext


def greeting(name: Any):
    def body(ctx: StepContext) -> str:
        ctx.logger.info(f"Greeting step running for: {name}")
        return f"Hello, {name}!"

    return body
