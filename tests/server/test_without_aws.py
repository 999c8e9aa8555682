"""When AWS cannot be used, the tool says so and asks whether to continue without it; never silently."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.types import ElicitResult

from durable_mcp.server.app import build_server
from durable_mcp.settings import Settings

HANDLERS = Path(__file__).parent / "handlers"


@pytest.fixture
def no_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                 "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_LAMBDA", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")


def answer(confirm: bool):  # type: ignore[no-untyped-def]
    async def callback(context: Any, params: Any) -> ElicitResult:
        assert "No AWS credentials" in params.message
        return ElicitResult(action="accept", content={"confirm": confirm})

    return callback


@pytest.mark.anyio
async def test_list_asks_before_falling_back_to_local_executions(no_aws: None, tmp_path: Path) -> None:
    settings = Settings(allow_write=True, store=tmp_path / "store.sqlite3")
    handler = f"{HANDLERS / 'approval.py'}:handler"
    async with Client(build_server(settings), mode="legacy", elicitation_callback=answer(True)) as client:
        run = await client.call_tool("run_durable_function_locally", {"handler": handler, "input": {"order": "o-7"}})
        function = run.structured_content["execution_arn"].split(":function:")[1].split(":")[0]
        listed = await client.call_tool("list_durable_executions", {"function": function})
    assert not listed.is_error, listed
    assert [e["arn"] for e in listed.structured_content["executions"]] == [run.structured_content["execution_arn"]]

    async with Client(build_server(settings), mode="legacy", elicitation_callback=answer(False)) as client:
        declined = await client.call_tool("list_durable_executions", {"function": function})
    assert declined.is_error and "chose not to continue" in declined.content[0].text  # type: ignore[union-attr]

    async with Client(build_server(settings), mode="legacy") as client:  # no elicitation: say how to continue
        told = await client.call_tool("list_durable_executions", {"function": function})
        assert told.is_error and "local=true" in told.content[0].text  # type: ignore[union-attr]
        local = await client.call_tool("list_durable_executions", {"function": function, "local": True})
    assert len(local.structured_content["executions"]) == 1
