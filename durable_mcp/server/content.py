"""Reference documents as MCP resources and the prompt templates as MCP prompts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mcp.server import MCPServer
from mcp.server.mcpserver.resources import FunctionResource


def register(mcp: MCPServer[Any]) -> None:
    from durable_mcp.guidance.assets import URI_PREFIX, list_reference_docs, read_reference

    def reader(name: str) -> Callable[[], str]:
        def read() -> str:
            return read_reference(name)

        return read

    # Built directly: the decorator wraps every reader in pydantic's validate_call, which costs start-up
    # time for functions that take no arguments.
    for doc in list_reference_docs():
        mcp.add_resource(FunctionResource(uri=doc.uri, name=doc.name, title=doc.title,
                                          description=doc.summary or None, mime_type="text/markdown",
                                          fn=reader(doc.name)))

    @mcp.resource(f"{URI_PREFIX}{{name}}", name="reference", mime_type="text/markdown",
                  description="A durable-functions reference document by name (see the resource list).")
    def reference(name: str) -> str:
        return read_reference(name)

    @mcp.resource(f"{URI_PREFIX}rules/{{rule}}", name="rule", mime_type="text/markdown",
                  description="The page of one replay rule, e.g. DR001: what it flags, why, and the fix.")
    def rule(rule: str) -> str:
        return read_reference(f"rules/{rule}")

    from mcp.server.mcpserver.prompts.base import Prompt, PromptArgument

    from durable_mcp.guidance.prompts import PROMPTS, render_prompt

    for spec in PROMPTS:

        def renderer(name: str) -> Callable[..., str]:
            def render(**arguments: str) -> str:
                return render_prompt(name, arguments)

            return render

        mcp.add_prompt(
            Prompt(
                name=spec.name,
                title=spec.title,
                description=spec.description,
                arguments=[
                    PromptArgument(name=a.name, description=a.description, required=a.required)
                    for a in spec.arguments
                ],
                fn=renderer(spec.name),
                context_kwarg=None,
            )
        )
