"""Text parameters receive exactly the text sent, even when it looks like JSON (regression found by the
sweep: the SDK decoded such text into a dict or bool, which ``str | None`` parameters then refused)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mcp import Client

from durable_mcp.server.app import build_server
from durable_mcp.settings import Settings

JSON_TEMPLATE = json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}})


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_inline_json_template_is_validated_as_text(tmp_path: Path) -> None:
    server = build_server(Settings(store=tmp_path / "store.sqlite3"))
    async with Client(server) as client:
        arguments = {"source": JSON_TEMPLATE, "language": "cloudformation"}
        result = await client.call_tool("validate_durable_code", arguments)
    assert not result.is_error, result.content
    assert result.structured_content is not None and result.structured_content["files_checked"] == 1


@pytest.mark.anyio
async def test_lists_sent_as_json_text_are_still_decoded(tmp_path: Path) -> None:
    handler = tmp_path / "handler.py"
    handler.write_text("def handler(event, context):\n    return event\n")
    server = build_server(Settings(store=tmp_path / "store.sqlite3"))
    async with Client(server) as client:
        result = await client.call_tool("validate_durable_code", {"paths": json.dumps([str(handler)])})
    assert not result.is_error, result.content
    assert result.structured_content is not None and result.structured_content["files_checked"] == 1
