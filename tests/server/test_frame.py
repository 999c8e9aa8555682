"""The server frame through a real in-process MCP client, on both protocol eras."""

from __future__ import annotations

import pytest
from mcp import Client

from durable_mcp.server.app import build_server
from durable_mcp.settings import Settings

MODES = ["auto", "legacy"]  # 2026-07-28 and the 2025-11-25 handshake


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_lists_resources_and_prompts(mode: str) -> None:
    async with Client(build_server(Settings()), mode=mode) as client:
        resources = await client.list_resources()
        uris = {str(r.uri) for r in resources.resources}
        from durable_mcp.guidance.assets import list_reference_docs

        expected = {doc.uri for doc in list_reference_docs()}
        assert "durable://reference/getting-started" in expected
        assert expected <= uris
        prompts = await client.list_prompts()
        assert {p.name for p in prompts.prompts} >= {
            "build_durable_workflow",
            "review_durable_code",
            "troubleshoot_execution",
        }


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_prompt_renders_with_language_switch(mode: str) -> None:
    async with Client(build_server(Settings()), mode=mode) as client:
        result = await client.get_prompt(
            "build_durable_workflow", {"description": "an order workflow, use Python and use SAM"}
        )
        text = " ".join(getattr(m.content, "text", "") for m in result.messages)
        assert "python" in text.lower() and "sam" in text.lower()


@pytest.mark.anyio
async def test_guidance_routes_a_topic_and_prerequisites_never_fail() -> None:
    async with Client(build_server(Settings())) as client:
        guidance = await client.call_tool("get_durable_guidance", {"topic": "non-deterministic errors"})
        assert not guidance.is_error
        assert guidance.structured_content["matches"][0]["name"] == "replay-model-rules"
        report = await client.call_tool("check_durable_prerequisites", {})
        assert not report.is_error, report
        assert report.structured_content["checks"]
