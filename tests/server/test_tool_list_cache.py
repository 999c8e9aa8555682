"""A start answers tools/list from the cached listing and builds the real tools only when one is needed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from durable_mcp.server.app import DurableServer, build_server
from durable_mcp.server.tool_list_cache import ToolListCache, fingerprint
from durable_mcp.settings import Settings


def server(cache: ToolListCache | None) -> DurableServer:
    built = build_server(Settings(), cache)
    assert isinstance(built, DurableServer)
    return built


async def listing(mcp: DurableServer, mode: str = "auto") -> list[dict[str, Any]]:
    async with Client(mcp, mode=mode) as client:
        return [tool.model_dump(by_alias=True, exclude_none=True) for tool in (await client.list_tools()).tools]


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_a_warm_start_lists_exactly_what_a_cold_start_built_without_building_tools(
        tmp_path: Path, mode: str) -> None:
    cold = server(ToolListCache(tmp_path))
    assert cold.tools_registered
    built = await listing(cold, mode)
    assert [path.name for path in tmp_path.glob("tools-*.json")] == [ToolListCache(tmp_path).path.name]

    warm = server(ToolListCache(tmp_path))
    assert await listing(warm, mode) == built == await listing(server(None), mode)
    assert not warm.tools_registered


@pytest.mark.anyio
async def test_the_first_call_on_a_warm_start_registers_the_tools_and_runs(tmp_path: Path) -> None:
    await listing(server(ToolListCache(tmp_path)))
    warm = server(ToolListCache(tmp_path))
    async with Client(warm) as client:
        result = await client.call_tool("get_durable_guidance", {"topic": "callbacks"})
        assert not result.is_error
        assert result.structured_content and result.structured_content["matches"]
        assert warm.tools_registered
        refused = await client.call_tool("validate_durable_code", {"source": "x = 1"})
        assert refused.is_error  # argument validation is the real tool's, not the listing's


@pytest.mark.anyio
async def test_a_corrupt_cached_listing_is_ignored_and_rewritten(tmp_path: Path) -> None:
    cache = ToolListCache(tmp_path)
    cache.path.write_text('[{"name": 42}]')
    mcp = server(cache)
    assert mcp.tools_registered
    tools = await listing(mcp)
    assert len(tools) == len(ToolListCache(tmp_path).load() or [])


@pytest.mark.anyio
async def test_an_unwritable_cache_directory_costs_only_the_cache(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    tools = await listing(server(ToolListCache(blocker / "cache")))
    assert {"get_durable_guidance", "validate_durable_code"} <= {tool["name"] for tool in tools}
    assert list(tmp_path.iterdir()) == [blocker]


def test_a_new_fingerprint_replaces_the_old_listing(tmp_path: Path) -> None:
    ToolListCache(tmp_path, key="old").store([])
    ToolListCache(tmp_path, key="new").store([])
    assert sorted(path.name for path in tmp_path.iterdir()) == ["tools-new.json"]


def test_editing_any_module_changes_the_fingerprint(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "tools").mkdir(parents=True)
    module = package / "tools" / "scaffold.py"
    module.write_text("A = 1\n")
    (package / "notes.txt").write_text("not a module")
    before = fingerprint(package)
    (package / "notes.txt").write_text("still not a module, and longer")
    assert fingerprint(package) == before
    module.write_text("A = 2\n")
    stamp = module.stat().st_mtime_ns
    os.utime(module, ns=(stamp, stamp + 1_000_000))
    assert fingerprint(package) != before
