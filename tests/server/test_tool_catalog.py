"""Every tool, listed through a real client, must declare its behaviour and respect the write gate.

A new tool cannot slip through: it needs all four annotation hints, a real output schema (a model,
not the SDK's ``{"result": ...}`` wrapper), an entry in the policy's access table, and, if it is not
read-only, an entry in WRITE_CALLS below proving that without --allow-write it writes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from durable_mcp.server.app import build_server
from durable_mcp.server.policy import Access
from durable_mcp.server.registry import TOOL_ACCESS
from durable_mcp.settings import Settings

MODES = ["auto", "legacy"]

# Minimal valid arguments for each non-read-only tool, and what a read-only server must answer:
# "refused" (a ToolError naming --allow-write) or "preview" (a result that wrote nothing).
WRITE_CALLS: dict[str, tuple[dict[str, Any], str]] = {
    "scaffold_durable_function": ({"name": "gate-check", "output_dir": "{tmp}/gate-check"}, "preview"),
    "run_durable_function_locally": ({"handler": "{tmp}/handler.py:handler"}, "refused"),
    "send_durable_callback": ({"callback_id": "Y2FsbGJhY2s="}, "refused"),
    "deploy_durable_function": ({"project_dir": "{tmp}"}, "refused"),
    "invoke_durable_function": ({"function": "orders:live"}, "refused"),
    "pause_or_resume_durable_execution": (
        {"execution_arn": "arn:aws:lambda:us-east-1:000000000000:function:f:1/durable-execution/n/0f1e"},
        "refused",
    ),
    "stop_durable_execution": (
        {"execution_arn": "arn:aws:lambda:us-east-1:000000000000:function:f:1/durable-execution/n/0f1e"},
        "refused",
    ),
}


def _write_call(name: str, tmp: Path) -> tuple[dict[str, Any], str]:
    if name not in WRITE_CALLS:
        pytest.fail(f"tool {name!r} is not read-only: add it to WRITE_CALLS with arguments for the gate test")
    args, expected = WRITE_CALLS[name]
    return {k: (str(tmp / v[6:]) if isinstance(v, str) and v.startswith("{tmp}/") else v)
            for k, v in args.items()}, expected


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_every_tool_declares_annotations_and_an_output_model(mode: str) -> None:
    async with Client(build_server(Settings()), mode=mode) as client:
        tools = (await client.list_tools()).tools
    assert tools
    for tool in tools:
        ann = tool.annotations
        assert ann is not None, tool.name
        for hint in ("read_only_hint", "destructive_hint", "idempotent_hint", "open_world_hint"):
            assert getattr(ann, hint) is not None, f"{tool.name} lacks {hint}"
        schema = tool.output_schema
        assert schema and schema.get("type") == "object", f"{tool.name} has no output schema"
        assert set(schema.get("properties", {})) != {"result"}, f"{tool.name} returns a bare wrapper"
        assert tool.name in TOOL_ACCESS, f"{tool.name} was not registered through registry.add_tool"
        assert ann.read_only_hint == (TOOL_ACCESS[tool.name] is Access.READ), tool.name
        assert tool.description, f"{tool.name} has no description"


@pytest.mark.anyio
async def test_no_tool_writes_without_the_gate(tmp_path: Path) -> None:
    async with Client(build_server(Settings(store=tmp_path / "store.sqlite3")), mode="legacy") as client:
        tools = (await client.list_tools()).tools
        for tool in tools:
            if tool.annotations and tool.annotations.read_only_hint:
                continue
            args, expected = _write_call(tool.name, tmp_path)
            before = sorted(p.name for p in tmp_path.iterdir())
            result = await client.call_tool(tool.name, args)
            if expected == "refused":
                assert result.is_error, f"{tool.name} ran without --allow-write"
                assert "--allow-write" in result.content[0].text, tool.name  # type: ignore[union-attr]
            else:
                assert not result.is_error, result
            after = sorted(p.name for p in tmp_path.iterdir())
            assert before == after, f"{tool.name} wrote files without --allow-write"


@pytest.mark.anyio
async def test_tools_list_stays_small() -> None:
    async with Client(build_server(Settings())) as client:
        listing = await client.list_tools()
    size = len(listing.model_dump_json(by_alias=True, exclude_none=True))  # the JSON an agent receives
    assert size < 25_000, size
