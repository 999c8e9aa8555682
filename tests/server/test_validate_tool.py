"""validate_durable_code through a real client."""

from __future__ import annotations

from pathlib import Path

import pytest
from mcp import Client

from durable_mcp.server.app import build_server
from durable_mcp.settings import Settings

CLOCK_OUTSIDE_STEP = '''
import time
from aws_durable_execution_sdk_python import DurableContext, durable_execution


@durable_execution
def handler(event, context: DurableContext):
    started = time.time()
    return context.step(lambda _: started, name="stamp")
'''


@pytest.mark.anyio
async def test_inline_source_finding_links_its_rule_page() -> None:
    async with Client(build_server(Settings())) as client:
        result = await client.call_tool("validate_durable_code",
                                        {"source": CLOCK_OUTSIDE_STEP, "language": "python"})
    out = result.structured_content
    assert out["errors"] >= 1
    finding = next(f for f in out["findings"] if f["rule"] == "DR001")
    assert finding["line"] == 8
    assert finding["docs"] == "durable://reference/rules/DR001"
    assert out["fixed_source"] is None  # wrapping the clock read in a step is a suggestion, not a safe fix


@pytest.mark.anyio
async def test_inline_source_comes_back_with_its_safe_fixes_applied() -> None:
    source = (
        'import { withDurableExecution, DurableContext } from "@aws/durable-execution-sdk-js";\n'
        "export const handler = withDurableExecution(async (e: unknown, context: DurableContext) => {\n"
        '  console.log("hi");\n'
        '  context.wait("pause", { seconds: 5 });\n'
        "});\n"
    )
    async with Client(build_server(Settings())) as client:
        out = (await client.call_tool("validate_durable_code",
                                      {"source": source, "language": "typescript"})).structured_content
        again = (await client.call_tool("validate_durable_code",
                                        {"source": out["fixed_source"], "language": "typescript"})).structured_content
    assert sorted(f["rule"] for f in out["findings"]) == ["DR008", "DR011"]
    assert 'context.logger.info("hi");\n  await context.wait("pause", { seconds: 5 });' in out["fixed_source"]
    assert again["findings"] == [] and again["fixed_source"] is None


@pytest.mark.anyio
async def test_paths_are_walked_and_bad_input_is_a_tool_error(tmp_path: Path) -> None:
    (tmp_path / "handler.py").write_text(CLOCK_OUTSIDE_STEP)
    async with Client(build_server(Settings())) as client:
        walked = await client.call_tool("validate_durable_code", {"paths": [str(tmp_path)]})
        missing = await client.call_tool("validate_durable_code", {"paths": [str(tmp_path / "nope")]})
        java = await client.call_tool("validate_durable_code", {"source": "class A {}", "language": "java"})
        nothing = await client.call_tool("validate_durable_code", {})
    assert walked.structured_content["files_checked"] == 1
    assert missing.is_error and "no such file" in missing.content[0].text  # type: ignore[union-attr]
    assert java.is_error and "not yet available for java" in java.content[0].text  # type: ignore[union-attr]
    assert nothing.is_error and "Give paths" in nothing.content[0].text  # type: ignore[union-attr]
