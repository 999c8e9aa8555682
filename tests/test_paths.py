"""Where durable-mcp keeps the user's files: the XDG base directories, else the usual folders in home."""

from __future__ import annotations

from pathlib import Path

import pytest

from durable_mcp.paths import cache_dir, default_store_path


def test_the_xdg_directories_are_used_when_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert default_store_path() == tmp_path / "data" / "durable-mcp" / "executions.sqlite3"
    assert cache_dir() == tmp_path / "cache" / "durable-mcp"


def test_home_folders_are_the_fallback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", "")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_store_path() == tmp_path / ".local" / "share" / "durable-mcp" / "executions.sqlite3"
    assert cache_dir() == tmp_path / ".cache" / "durable-mcp"
