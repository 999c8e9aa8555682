"""The server as an agent launches it: the exact command line from .mcp.json, over stdio and HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from mcp import Client, StdioServerParameters

from tests.support.ports import free_port, wait_until_listening

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def launch_spec(cache_home: Path | None = None) -> StdioServerParameters:
    spec = json.loads((ROOT / ".mcp.json").read_text())["mcpServers"]["durable-mcp"]
    assert spec["args"] == ["--allow-write"]
    env = dict(os.environ)
    if cache_home is not None:
        env["XDG_CACHE_HOME"] = str(cache_home)
    # The console script lives next to the interpreter running the tests (the project's venv).
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return StdioServerParameters(command=spec["command"], args=spec["args"], env=env, cwd=str(ROOT))


@pytest.mark.anyio
@pytest.mark.parametrize(("mode", "protocol"), [("auto", "2026-07-28"), ("legacy", "2025-11-25")])
async def test_mcp_json_command_serves_tools_resources_prompts(mode: str, protocol: str) -> None:
    async with Client(launch_spec(), mode=mode) as client:
        assert client.protocol_version == protocol
        tools = {tool.name for tool in (await client.list_tools()).tools}
        assert {"get_durable_guidance", "scaffold_durable_function", "run_durable_function_locally"} <= tools
        resources = {str(r.uri) for r in (await client.list_resources()).resources}
        assert "durable://reference/replay-model-rules" in resources
        prompts = {p.name for p in (await client.list_prompts()).prompts}
        assert "build_durable_workflow" in prompts


@pytest.mark.anyio
async def test_a_second_start_serves_the_cached_tool_list_and_its_tools_still_run(tmp_path: Path) -> None:
    async with Client(launch_spec(tmp_path)) as client:
        first = (await client.list_tools()).model_dump(by_alias=True, exclude_none=True)
    assert list((tmp_path / "durable-mcp").glob("tools-*.json"))
    async with Client(launch_spec(tmp_path)) as client:
        assert (await client.list_tools()).model_dump(by_alias=True, exclude_none=True) == first
        result = await client.call_tool("validate_durable_code", {"source": "x = 1\n", "language": "python"})
        assert not result.is_error and result.structured_content
        assert result.structured_content["files_checked"] == 1


def test_misspelled_flag_exits_2_with_usage() -> None:
    done = subprocess.run([str(BIN / "durable-mcp"), "--allow", "write"], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 2
    assert done.stderr.startswith("usage: durable-mcp")


def test_http_on_a_non_loopback_host_needs_allow_remote() -> None:
    done = subprocess.run([str(BIN / "durable-mcp"), "--transport", "streamable-http", "--host", "0.0.0.0"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert "no authentication" in done.stderr and "--allow-remote" in done.stderr


@pytest.mark.anyio
async def test_streamable_http_on_loopback_with_dns_rebinding_protection() -> None:
    port = free_port()
    server = subprocess.Popen([str(BIN / "durable-mcp"), "--transport", "streamable-http", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/mcp"
        wait_until_listening(port)
        async with Client(url) as client:
            assert "validate_durable_code" in {t.name for t in (await client.list_tools()).tools}
        forged = urllib.request.Request(url, data=b"{}", method="POST",
                                        headers={"Host": "evil.example", "Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(forged, timeout=10)
        assert refused.value.code in (400, 403, 421)
    finally:
        server.terminate()
        server.wait(timeout=30)
