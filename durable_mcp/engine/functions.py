"""Functions registered with the service: versions, aliases, durable configuration, and how an
Invoke's FunctionName/Qualifier resolve to one of them."""

from __future__ import annotations

from dataclasses import dataclass

from durable_mcp.engine.errors import InvalidParameterValueException, ResourceNotFoundException
from durable_mcp.engine.invoker import FunctionCaller, Invoker
from durable_mcp.engine.model import LATEST, Json, function_arn

DEFAULT_EXECUTION_TIMEOUT_S = 86_400


@dataclass
class RegisteredFunction:
    name: str
    invoker: Invoker
    version: str = "1"
    aliases: tuple[str, ...] = ("live",)
    execution_timeout_s: int = DEFAULT_EXECUTION_TIMEOUT_S
    retention_days: int = 14
    handler_ref: str | None = None
    stub_steps: Json | None = None
    stub_invokes: Json | None = None
    caller: FunctionCaller | None = None
    """Set for a standard (not durable) function: chained invokes call it once, it starts no execution."""

    def resolve(self, qualifier: str | None) -> str:
        """The version a qualifier runs, or ResourceNotFoundException."""
        if qualifier in (None, LATEST):
            return LATEST
        if qualifier == self.version or qualifier in self.aliases:
            return self.version
        raise ResourceNotFoundException(f"Function not found: {function_arn(self.name, qualifier)}")


def parse_function_name(function_name: str, qualifier: str | None) -> tuple[str, str | None]:
    name = function_name
    if name.startswith("arn:"):
        parts = name.split(":")
        if len(parts) < 7 or parts[5] != "function":
            raise InvalidParameterValueException(f"Invalid function ARN: {function_name}")
        name = ":".join(parts[6:])
    if ":" in name:
        name, embedded = name.split(":", 1)
        if qualifier is not None and qualifier != embedded:
            raise InvalidParameterValueException("The qualifier in FunctionName and Qualifier differ.")
        qualifier = embedded
    return name, qualifier
