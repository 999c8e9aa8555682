"""Builds the MCP server: tools, reference resources and prompts, over one AppState."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from mcp.server import MCPServer

from durable_mcp import __version__
from durable_mcp.server.policy import SENSITIVE_FLAG, WRITE_FLAG
from durable_mcp.server.state import AppState
from durable_mcp.settings import Settings

# Tool families, one module each under durable_mcp.server.tools, each exposing register(mcp).
TOOL_MODULES: tuple[str, ...] = ("guidance", "scaffold", "validate", "local_runs", "executions", "deploy")

INSTRUCTIONS = f"""durable-mcp helps you write, check, run, ship and debug AWS Lambda durable functions.
Tool families: guidance and prerequisites; scaffold a project; validate code against the replay rules;
dry-run handlers on a local durable engine (and check replay determinism); deploy and invoke on AWS;
inspect executions (list, get, history, timeline, diagnosis, logs) locally or on AWS.
Gates: tools that write files, start or change executions, or change AWS need the server flag
{WRITE_FLAG}; payloads, results and logs are hidden unless the server has {SENSITIVE_FLAG}.
Enable either by adding the flag to this server's "args" in .mcp.json and restarting it.
Writes are always confirmed first (a question, or a preview plus a confirmation_token)."""


def build_server(settings: Settings) -> MCPServer[AppState]:
    @asynccontextmanager
    async def lifespan(_: MCPServer[AppState]) -> AsyncIterator[AppState]:
        state = AppState.from_settings(settings)
        try:
            yield state
        finally:
            state.close()

    mcp: MCPServer[AppState] = MCPServer(
        "durable-mcp",
        title="Lambda durable functions",
        instructions=INSTRUCTIONS,
        version=__version__,
        lifespan=lifespan,
        log_level=settings.log_level.upper() if settings.log_level else "WARNING",  # type: ignore[arg-type]
    )
    for name in TOOL_MODULES:
        importlib.import_module(f"durable_mcp.server.tools.{name}").register(mcp)
    importlib.import_module("durable_mcp.server.content").register(mcp)
    return mcp
