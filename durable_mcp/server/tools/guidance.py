"""Guidance tools: reference routing and the machine's prerequisites."""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from pydantic import Field

from durable_mcp.guidance.prerequisites import PrerequisiteReport
from durable_mcp.guidance.routing import GuidanceResult
from durable_mcp.server.policy import Access
from durable_mcp.server.registry import add_tool
from durable_mcp.server.state import state_of


def get_durable_guidance(
    topic: Annotated[str, Field(description="free text, e.g. 'callbacks with timeouts' or 'saga'")],
) -> GuidanceResult:
    """Reference docs for a durable-functions topic (TypeScript and Python side by side): the relevant
    sections and resource URIs, or the index of all documents."""
    from durable_mcp.guidance.routing import get_durable_guidance as route

    return route(topic)


def check_durable_prerequisites(ctx: Context[Any, Any]) -> PrerequisiteReport:
    """Check AWS CLI, credentials/account, Node.js 22+, Python 3.11+, SAM CLI and CDK against what durable
    functions need: version found, verdict and the fix for each."""
    from durable_mcp.guidance.prerequisites import check_durable_prerequisites as check

    settings = state_of(ctx).settings
    return check(profile=settings.profile, region=settings.region, endpoint_url=settings.endpoint_url)


def register(mcp: MCPServer[Any]) -> None:
    add_tool(mcp, get_durable_guidance, name="get_durable_guidance", title="Durable functions guidance",
             access=Access.READ, open_world=False, idempotent=True)
    add_tool(mcp, check_durable_prerequisites, name="check_durable_prerequisites",
             title="Check prerequisites", access=Access.READ, open_world=True, idempotent=True)
