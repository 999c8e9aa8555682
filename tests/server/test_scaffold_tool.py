"""scaffold_durable_function through a real client: preview, confirmation, refusals, atomicity."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.types import ElicitResult, ListRootsResult, Root

from durable_mcp.server.app import build_server
from durable_mcp.settings import Settings


def roots_callback(root: Path):  # type: ignore[no-untyped-def]
    async def callback(context: Any) -> ListRootsResult:
        return ListRootsResult(roots=[Root(uri=root.as_uri(), name="workspace")])

    return callback


def answer(confirm: bool):  # type: ignore[no-untyped-def]
    async def callback(context: Any, params: Any) -> ElicitResult:
        return ElicitResult(action="accept", content={"confirm": confirm})

    return callback


def client(tmp: Path, *, allow_write: bool, confirm: bool | None = None) -> Client:
    kwargs: dict[str, Any] = {"mode": "legacy", "list_roots_callback": roots_callback(tmp)}
    if confirm is not None:
        kwargs["elicitation_callback"] = answer(confirm)
    return Client(build_server(Settings(allow_write=allow_write)), **kwargs)


ARGS = {"name": "order-approval", "language": "python", "iac": "sam", "pattern": "human-approval"}


@pytest.mark.anyio
async def test_read_only_server_returns_a_preview_and_writes_nothing(tmp_path: Path) -> None:
    async with client(tmp_path, allow_write=False) as c:
        result = await c.call_tool("scaffold_durable_function", {**ARGS, "output_dir": str(tmp_path / "p")})
    out = result.structured_content
    assert out["status"] == "preview"
    paths = {f["path"] for f in out["files"]}
    assert "template.yaml" in paths and any(p.endswith(".py") for p in paths)
    assert all(f["content"] for f in out["files"])
    assert "--allow-write" in out["message"]
    assert not (tmp_path / "p").exists()


@pytest.mark.anyio
async def test_confirmed_by_elicitation_writes_declined_does_not(tmp_path: Path) -> None:
    async with client(tmp_path, allow_write=True, confirm=False) as c:
        result = await c.call_tool("scaffold_durable_function", {**ARGS, "output_dir": str(tmp_path / "p")})
    assert result.structured_content["status"] == "cancelled"
    assert not (tmp_path / "p").exists()
    async with client(tmp_path, allow_write=True, confirm=True) as c:
        result = await c.call_tool("scaffold_durable_function", {**ARGS, "output_dir": str(tmp_path / "p")})
    assert result.structured_content["status"] == "written", result
    assert (tmp_path / "p" / "template.yaml").is_file()


@pytest.mark.anyio
async def test_token_flow_without_elicitation(tmp_path: Path) -> None:
    args = {**ARGS, "output_dir": str(tmp_path / "p")}
    async with client(tmp_path, allow_write=True) as c:
        first = await c.call_tool("scaffold_durable_function", args)
        assert first.structured_content["status"] == "confirmation_required"
        assert not (tmp_path / "p").exists()
        token = first.structured_content["confirmation_token"]
        second = await c.call_tool("scaffold_durable_function", {**args, "confirmation_token": token})
    assert second.structured_content["status"] == "written"
    assert (tmp_path / "p" / "template.yaml").is_file()


@pytest.mark.anyio
async def test_path_outside_the_roots_is_refused(tmp_path: Path) -> None:
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    async with client(workspace, allow_write=True, confirm=True) as c:
        result = await c.call_tool("scaffold_durable_function", {**ARGS, "output_dir": str(tmp_path / "elsewhere")})
    assert result.is_error
    assert "outside the allowed roots" in result.content[0].text  # type: ignore[union-attr]
    assert not (tmp_path / "elsewhere").exists()


@pytest.mark.anyio
async def test_non_empty_directory_is_untouched_without_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "p"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    async with client(tmp_path, allow_write=True, confirm=True) as c:
        result = await c.call_tool("scaffold_durable_function", {**ARGS, "output_dir": str(target)})
    assert result.is_error
    assert sorted(p.name for p in target.iterdir()) == ["keep.txt"]


@pytest.mark.anyio
async def test_failed_write_leaves_nothing_half_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import durable_mcp.scaffold.writer as writer

    real = writer._materialise

    def fail_midway(preview: Any, staging: Path) -> list[str]:
        real(preview.model_copy(update={"files": preview.files[:3]}), staging)
        raise OSError("disk full")

    monkeypatch.setattr(writer, "_materialise", fail_midway)
    async with client(tmp_path, allow_write=True, confirm=True) as c:
        result = await c.call_tool("scaffold_durable_function", {**ARGS, "output_dir": str(tmp_path / "p")})
    assert result.is_error
    assert list(tmp_path.iterdir()) == []


@pytest.mark.anyio
async def test_unsupported_language_and_framework_use_the_standard_wording(tmp_path: Path) -> None:
    async with client(tmp_path, allow_write=False) as c:
        lang = await c.call_tool("scaffold_durable_function",
                                 {"name": "x", "output_dir": str(tmp_path / "x"), "language": "java"})
        iac = await c.call_tool("scaffold_durable_function",
                                {"name": "x", "output_dir": str(tmp_path / "x"), "iac": "terraform"})
    assert "Durable Execution SDK is not yet available for java" in lang.content[0].text  # type: ignore[union-attr]
    assert "terraform might not support Lambda durable functions yet" in iac.content[0].text  # type: ignore[union-attr]
