"""Builds the MCP server: tools, reference resources and prompts, over one AppState."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.types import CallToolResult, InputRequiredResult, Tool

from durable_mcp import __version__
from durable_mcp.server.policy import SENSITIVE_FLAG, WRITE_FLAG
from durable_mcp.server.state import AppState
from durable_mcp.server.tool_list_cache import ToolListCache
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


class DurableServer(MCPServer[AppState]):
    """An ``MCPServer`` that registers its tools when it first needs them.

    With a listing cached by an earlier start (see ``tool_list_cache``) it answers ``tools/list`` from
    it; anything that needs a real tool (a call, the input schema of the tool being called) registers
    them all first. Without one it registers them at once and caches its first listing. The tool set
    is fixed once built, so the listing is computed once.
    """

    def __init__(self, *args: Any, tool_cache: ToolListCache | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._cache = tool_cache
        self._listed: list[Tool] | None = tool_cache.load() if tool_cache else None
        self._registered = False
        if self._listed is None:
            self.ensure_tools()

    @property
    def tools_registered(self) -> bool:
        return self._registered

    def ensure_tools(self) -> None:
        if not self._registered:
            for name in TOOL_MODULES:
                importlib.import_module(f"durable_mcp.server.tools.{name}").register(self)
            self._registered = True

    async def list_tools(self) -> list[Tool]:
        if self._listed is None:
            self._listed = await super().list_tools()
            if self._cache is not None:
                self._cache.store(self._listed)
        return list(self._listed)

    async def call_tool(self, name: str, arguments: dict[str, Any],
                        context: Context[AppState, Any] | None = None) -> CallToolResult | InputRequiredResult:
        self.ensure_tools()
        return await super().call_tool(name, arguments, context)

    def _tool_input_schema(self, name: str) -> dict[str, Any] | None:
        self.ensure_tools()
        return super()._tool_input_schema(name)


def build_server(settings: Settings, tool_cache: ToolListCache | None = None) -> MCPServer[AppState]:
    """The server over ``settings``; ``tool_cache`` lets it start without building its tools."""

    @asynccontextmanager
    async def lifespan(_: MCPServer[AppState]) -> AsyncIterator[AppState]:
        state = AppState.from_settings(settings)
        try:
            yield state
        finally:
            state.close()

    mcp = DurableServer(
        "durable-mcp",
        title="Lambda durable functions",
        instructions=INSTRUCTIONS,
        version=__version__,
        lifespan=lifespan,
        log_level=settings.log_level.upper() if settings.log_level else "WARNING",
        tool_cache=tool_cache,
    )
    importlib.import_module("durable_mcp.server.content").register(mcp)
    return mcp
