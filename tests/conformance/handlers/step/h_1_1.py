from typing import Any

from aws_durable_execution_sdk_python import DurableContext, StepContext, durable_execution, durable_step


@durable_step
def greet(_ctx: StepContext, name: str) -> str:
    return f"Hello, {name}!"


@durable_execution
def handler(event: Any, context: DurableContext) -> str:
    return context.step(greet(event))
