"""The shared confirmation mechanism, exercised by a write tool built on it, through a real client.

The tool below exists only in this test: it stands for any write tool and records what it wrote, so
the test can prove that nothing is written before the user confirmed.
"""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from mcp import Client
from mcp.server import MCPServer
from mcp.server.elicitation import ElicitationResult
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.resolve import Resolve
from mcp.types import ElicitResult
from pydantic import BaseModel

from durable_mcp.server.confirm import TOKEN_INSTRUCTIONS, Confirm, Pending, Verdict, ask, decide
from durable_mcp.server.state import AppState, state_of
from durable_mcp.settings import Settings

MODES = ["auto", "legacy"]


class Outcome(BaseModel):
    status: str
    token: str | None = None
    message: str = ""


WRITTEN: list[str] = []


def ask_write(ctx: Context[Any, Any], path: str, confirmation_token: str | None = None) -> Any:
    state = state_of(ctx)
    return ask(ctx, allow_write=state.policy.allow_write, broker=state.broker, tool="write_file",
               arguments={"path": path}, summary=f"Write {path}", confirmation_token=confirmation_token)


def write_file(
    path: str,
    ctx: Context[Any, Any],
    approval: Annotated[ElicitationResult[Any], Resolve(ask_write)],
    confirmation_token: str | None = None,
) -> Outcome:
    state = state_of(ctx)
    verdict = decide(approval)
    if verdict is Verdict.READ_ONLY:
        state.policy.require_write("write_file", f"write {path}")
    if verdict is Verdict.PREVIEW:
        token = state.broker.issue("write_file", {"path": path})
        return Outcome(status="preview", token=token, message=TOKEN_INSTRUCTIONS.format(token=token))
    if verdict is Verdict.DECLINED:
        return Outcome(status="cancelled")
    WRITTEN.append(path)
    return Outcome(status="written")


def build(allow_write: bool) -> MCPServer[AppState]:
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(_: MCPServer[AppState]):  # type: ignore[no-untyped-def]
        yield AppState.from_settings(Settings(allow_write=allow_write))

    WRITTEN.clear()
    mcp: MCPServer[AppState] = MCPServer("confirm-test", lifespan=lifespan)
    mcp.add_tool(write_file)
    return mcp


def answer(confirm: bool | None):  # type: ignore[no-untyped-def]
    async def callback(context: Any, params: Any) -> ElicitResult:
        if confirm is None:
            return ElicitResult(action="decline")
        return ElicitResult(action="accept", content={"confirm": confirm})

    return callback


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_refused_without_allow_write_names_the_flag(mode: str) -> None:
    async with Client(build(False), mode=mode, elicitation_callback=answer(True)) as client:
        result = await client.call_tool("write_file", {"path": "a.txt"})
    assert result.is_error
    text = result.content[0].text  # type: ignore[union-attr]
    assert "--allow-write" in text and ".mcp.json" in text
    assert WRITTEN == []


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("reply", "expected"), [(True, "written"), (False, "cancelled"), (None, "cancelled")]
)
async def test_elicitation_path(mode: str, reply: bool | None, expected: str) -> None:
    async with Client(build(True), mode=mode, elicitation_callback=answer(reply)) as client:
        result = await client.call_tool("write_file", {"path": "a.txt"})
    assert not result.is_error, result
    assert result.structured_content["status"] == expected
    assert WRITTEN == (["a.txt"] if expected == "written" else [])


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_token_path_for_clients_without_elicitation(mode: str) -> None:
    async with Client(build(True), mode=mode) as client:
        first = await client.call_tool("write_file", {"path": "a.txt"})
        assert first.structured_content["status"] == "preview"
        assert WRITTEN == []
        token = first.structured_content["token"]
        other = await client.call_tool("write_file", {"path": "b.txt", "confirmation_token": token})
        assert other.is_error and "different arguments" in other.content[0].text  # type: ignore[union-attr]
        first = await client.call_tool("write_file", {"path": "a.txt"})
        token = first.structured_content["token"]
        second = await client.call_tool("write_file", {"path": "a.txt", "confirmation_token": token})
        assert second.structured_content["status"] == "written"
        replay = await client.call_tool("write_file", {"path": "a.txt", "confirmation_token": token})
        assert replay.is_error and "already used" in replay.content[0].text  # type: ignore[union-attr]
    assert WRITTEN == ["a.txt"]


def test_pending_is_not_confirm() -> None:
    assert Pending(Verdict.PREVIEW).verdict is Verdict.PREVIEW
    assert Confirm(confirm=True).confirm
