"""Where durable-mcp keeps its files for the user: the XDG base directories (as on Linux)."""

from __future__ import annotations

import os
from pathlib import Path


def _user_dir(variable: str, fallback: str) -> Path:
    return Path(os.environ.get(variable) or str(Path.home() / fallback)) / "durable-mcp"


def default_store_path() -> Path:
    """SQLite store of local executions, in the user's data directory."""
    return _user_dir("XDG_DATA_HOME", ".local/share") / "executions.sqlite3"


def cache_dir() -> Path:
    """Files that can be rebuilt at any time (the cached ``tools/list`` answer)."""
    return _user_dir("XDG_CACHE_HOME", ".cache")
