"""How tools are declared: one call fixes name, annotations and gate class together.

Annotations are derived from the tool's :class:`Access`, so a tool cannot claim to be read-only while
being registered as a writer, and the policy test can check every tool from this one table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mcp.server import MCPServer
from mcp.types import ToolAnnotations

from durable_mcp.server.policy import Access

TOOL_ACCESS: dict[str, Access] = {}


def add_tool(
    mcp: MCPServer[Any],
    fn: Callable[..., Any],
    *,
    name: str,
    title: str,
    access: Access,
    open_world: bool,
    idempotent: bool = False,
    destructive: bool = False,
) -> None:
    annotations = ToolAnnotations(
        title=title,
        read_only_hint=access is Access.READ,
        destructive_hint=destructive if access is not Access.READ else False,
        idempotent_hint=idempotent,
        open_world_hint=open_world,
    )
    mcp.add_tool(fn, name=name, title=title, annotations=annotations, structured_output=True)
    TOOL_ACCESS[name] = access
