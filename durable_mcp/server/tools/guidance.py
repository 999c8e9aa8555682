"""Guidance tools: reference routing and the machine's prerequisites."""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server import MCPServer
from pydantic import Field

from durable_mcp.guidance.routing import GuidanceResult
from durable_mcp.guidance.routing import get_durable_guidance as route_guidance
from durable_mcp.server.policy import Access
from durable_mcp.server.registry import add_tool


def get_durable_guidance(
    topic: Annotated[str, Field(description="free text, e.g. 'callbacks with timeouts' or 'saga'")],
) -> GuidanceResult:
    """Find the reference docs for a durable-functions topic (TypeScript and Python side by side).

    Returns the most relevant sections of the matching documents with their resource URIs; an unknown
    topic returns the index of all documents."""
    return route_guidance(topic)


def register(mcp: MCPServer[Any]) -> None:
    add_tool(mcp, get_durable_guidance, name="get_durable_guidance", title="Durable functions guidance",
             access=Access.READ, open_world=False, idempotent=True)
