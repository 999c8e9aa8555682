"""The server as an agent launches it: the exact command line from .mcp.json, over stdio."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

ROOT = Path(__file__).resolve().parents[2]


def launch_spec() -> StdioServerParameters:
    spec = json.loads((ROOT / ".mcp.json").read_text())["mcpServers"]["durable-mcp"]
    assert spec["args"] == ["--allow-write"]
    env = dict(os.environ)
    # The console script lives next to the interpreter running the tests (the project's venv).
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return StdioServerParameters(command=spec["command"], args=spec["args"], env=env, cwd=str(ROOT))


@pytest.mark.anyio
async def test_mcp_json_command_serves_tools_over_stdio() -> None:
    async with stdio_client(launch_spec()) as (read, write), ClientSession(read, write) as session:
        init = await session.initialize()
        assert init.server_info.name == "durable-mcp"
        assert "--allow-write" in (init.instructions or "")
        tools = await session.list_tools()
        names = {tool.name for tool in tools.tools}
        assert "get_durable_guidance" in names
        prompts = await session.list_prompts()
        assert prompts.prompts
